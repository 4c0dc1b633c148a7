/* Signals sent to fakesys itself: passed on to CMD while it runs, then (the requests to
   end: SIGHUP, SIGINT, SIGQUIT, SIGTERM) to every process still traced. CMD keeps the
   dispositions fakesys was started with: its process is forked before these are
   installed (startup.h). */
#ifndef FAKESYS_SIGNALS_H
#define FAKESYS_SIGNALS_H

void signals_install(void);
/* CMD has exited: what comes next is for the processes still traced. */
void signals_cmd_exited(void);
/* Passes a request to end that came since CMD exited to every traced process. Called
   by the loop before each wait and when a wait is interrupted. */
void signals_pass_on_pending(void);

#endif
