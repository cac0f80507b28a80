/* Temporary entry point until the CLI lands. */
#include <stdio.h>

#include <glca/engine.h>

int main(void)
{
    puts("greenlca " GLCA_VERSION);
    return 0;
}
