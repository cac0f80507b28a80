/* Removed when the ruleset module lands; keeps the library non-empty meanwhile. */
#include <glca/engine.h>
int glca_ruleset__placeholder(void);
int glca_ruleset__placeholder(void)
{
    return 0;
}
