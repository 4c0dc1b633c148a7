/* Signals sent to fakesys itself: passed on to CMD, and given back to CMD's own
   dispositions before it is executed. */
#ifndef FAKESYS_SIGNALS_H
#define FAKESYS_SIGNALS_H

void signals_install(void);
/* CMD inherits the dispositions fakesys was started with, not fakesys's own. */
void signals_restore(void);

#endif
