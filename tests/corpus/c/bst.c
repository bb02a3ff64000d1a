#include <stdio.h>
#include <stdlib.h>

typedef struct Tree {
    int key;
    struct Tree *left, *right;
} Tree;

Tree *insert(Tree *t, int key)
{
    if (!t) {
        t = calloc(1, sizeof *t);
        t->key = key;
    } else if (key < t->key) {
        t->left = insert(t->left, key);
    } else {
        t->right = insert(t->right, key);
    }
    return t;
}

void inorder(const Tree *t)
{
    if (!t)
        return;
    inorder(t->left);
    printf("%d ", t->key);
    inorder(t->right);
}

int height(const Tree *t)
{
    if (!t)
        return 0;
    int l = height(t->left), r = height(t->right);
    return 1 + (l > r ? l : r);
}

int contains(const Tree *t, int key)
{
    while (t && t->key != key)
        t = key < t->key ? t->left : t->right;
    return t != NULL;
}

void destroy(Tree *t)
{
    if (t) {
        destroy(t->left);
        destroy(t->right);
        free(t);
    }
}

int main(void)
{
    int keys[] = {50, 30, 70, 20, 40, 60, 80, 35};
    Tree *root = NULL;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        root = insert(root, keys[i]);
    inorder(root);
    printf("\nheight %d, has 35: %d, has 36: %d\n", height(root), contains(root, 35), contains(root, 36));
    destroy(root);
    return 0;
}
