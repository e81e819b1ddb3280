/* cli.c - placeholder entry point while the command line is being written. */
#include <stdio.h>
int main(void)
{
    fputs("wlr: the command line is not built yet\n", stderr);
    return 1;
}
