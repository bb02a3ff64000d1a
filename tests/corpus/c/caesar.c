#include <ctype.h>
#include <stdio.h>
#include <string.h>

void caesar(char *s, int shift)
{
    shift = (shift % 26 + 26) % 26;
    for (; *s; s++) {
        if (isupper((unsigned char)*s))
            *s = 'A' + (*s - 'A' + shift) % 26;
        else if (islower((unsigned char)*s))
            *s = 'a' + (*s - 'a' + shift) % 26;
    }
}

int score_english(const char *s)
{
    int score = 0;
    for (; *s; s++)
        if (strchr("etaoinsh", tolower((unsigned char)*s)))
            score++;
    return score;
}

int crack(const char *cipher)
{
    char buf[128];
    int best = 0, best_score = -1;
    for (int k = 0; k < 26; k++) {
        strcpy(buf, cipher);
        caesar(buf, -k);
        int s = score_english(buf);
        if (s > best_score) {
            best_score = s;
            best = k;
        }
    }
    return best;
}

int main(void)
{
    char msg[] = "Attack at dawn, hold the eastern gate!";
    caesar(msg, 7);
    printf("%s\n", msg);
    int key = crack(msg);
    caesar(msg, -key);
    printf("key %d: %s\n", key, msg);
    return 0;
}
