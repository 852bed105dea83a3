/* status.h - the one error convention below the command line: a function
 * that can fail returns an enum status_code and, when it fails, leaves a
 * message in the caller's status (what went wrong and where, without the
 * leading "stampede: ").  Only cli/ turns a code into an exit status
 * (cli/cli.h): OK 0, FAILED and STOPPED 1, INPUT and USAGE 2.
 *
 *     struct status st = STATUS_INIT;
 *     if (thing_open(path, &st) != STATUS_OK) { report(status_msg(&st)); ... }
 *     status_clear(&st);
 *
 * A function given a NULL status still returns its code; the message is then
 * dropped.  Setting a status that holds a message replaces the message. */
#ifndef STAMPEDE_STATUS_H
#define STAMPEDE_STATUS_H

enum status_code {
    STATUS_OK = 0,
    STATUS_INPUT,      /* bad input: nothing was written */
    STATUS_USAGE,      /* bad usage (the command line asks for what cannot be): nothing was written */
    STATUS_FAILED,     /* a failure while working: I/O, memory, a limit */
    STATUS_STOPPED,    /* the caller's stop flag was raised: nothing was written */
};

struct status {
    enum status_code code;
    char *msg;         /* owned; NULL when OK (or when no memory was left for it) */
};

#define STATUS_INIT { STATUS_OK, 0 }

/* Sets st's code and message (printf-style); returns code. */
enum status_code status_set(struct status *st, enum status_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The same with ": " and strerror(errno) appended (errno as it was on entry). */
enum status_code status_errno(struct status *st, enum status_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The message; for a failure without one, a sentence naming the code. */
const char *status_msg(const struct status *st);
/* Frees the message and sets st back to OK. */
void status_clear(struct status *st);

#endif
