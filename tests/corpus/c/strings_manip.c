#include <ctype.h>
#include <stdio.h>
#include <string.h>

void reverse(char *s)
{
    for (size_t i = 0, j = strlen(s); i + 1 < j; i++, j--) {
        char t = s[i];
        s[i] = s[j - 1];
        s[j - 1] = t;
    }
}

int is_palindrome(const char *s)
{
    const char *end = s + strlen(s) - 1;
    while (s < end) {
        if (!isalnum((unsigned char)*s)) { s++; continue; }
        if (!isalnum((unsigned char)*end)) { end--; continue; }
        if (tolower((unsigned char)*s++) != tolower((unsigned char)*end--))
            return 0;
    }
    return 1;
}

int count_vowels(const char *s)
{
    int n = 0;
    for (; *s; s++)
        if (strchr("aeiouAEIOU", *s))
            n++;
    return n;
}

void capitalize_words(char *s)
{
    int start = 1;
    for (; *s; s++) {
        if (isspace((unsigned char)*s))
            start = 1;
        else if (start) {
            *s = toupper((unsigned char)*s);
            start = 0;
        }
    }
}

int main(void)
{
    char word[] = "stressed";
    reverse(word);
    printf("%s\n", word);
    const char *candidates[] = {"A man, a plan, a canal: Panama", "hello", "No lemon, no melon"};
    for (int i = 0; i < 3; i++)
        printf("%d %d %s\n", is_palindrome(candidates[i]), count_vowels(candidates[i]), candidates[i]);
    char title[] = "the c programming language";
    capitalize_words(title);
    printf("%s\n", title);
    return 0;
}
