#include <stdio.h>

typedef enum { LOCKED, CLOSED, OPEN, NSTATES } State;
typedef enum { PUSH, PULL, LOCK, UNLOCK, NEVENTS } Event;

static const State table[NSTATES][NEVENTS] = {
    [LOCKED] = {LOCKED, LOCKED, LOCKED, CLOSED},
    [CLOSED] = {OPEN, CLOSED, LOCKED, CLOSED},
    [OPEN] = {OPEN, CLOSED, OPEN, OPEN},
};

static const char *state_names[] = {"locked", "closed", "open"};
static const char *event_names[] = {"push", "pull", "lock", "unlock"};

State transition(State s, Event e) { return table[s][e]; }

int main(void)
{
    Event events[] = {PUSH, UNLOCK, PUSH, LOCK, PULL, LOCK, UNLOCK};
    State s = LOCKED;
    int changes = 0;
    for (size_t i = 0; i < sizeof events / sizeof events[0]; i++) {
        State next = transition(s, events[i]);
        printf("%-6s --%-6s--> %s%s\n", state_names[s], event_names[events[i]], state_names[next],
               next == s ? " (no change)" : "");
        changes += next != s;
        s = next;
    }
    printf("%d changes\n", changes);
    return 0;
}
