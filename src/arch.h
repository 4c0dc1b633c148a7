/* Per-architecture register access. Everything that knows a register name or a
   syscall calling convention lives in src/arch/<arch>.c; the rest of fakesys only
   uses these functions. */
#ifndef FAKESYS_ARCH_H
#define FAKESYS_ARCH_H

#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

typedef struct user_regs_struct arch_regs;

int arch_get_regs(pid_t tid, arch_regs *regs);
int arch_set_regs(pid_t tid, const arch_regs *regs);

long arch_syscall_nr(const arch_regs *regs);
void arch_set_syscall_nr(arch_regs *regs, long nr);
uint64_t arch_arg(const arch_regs *regs, int i);
void arch_set_arg(arch_regs *regs, int i, uint64_t value);
long arch_result(const arch_regs *regs);
void arch_set_result(arch_regs *regs, long value);
/* At an entry stop the kernel has already stored this in the result register. */
int arch_entry_marker_is_set(const arch_regs *regs);
/* Read or write only the result register: one tracer call instead of two. */
int arch_peek_result(pid_t tid, long *value);
int arch_poke_result(pid_t tid, long value);
/* Rewind to the syscall instruction so the call runs again (after an injected call). */
void arch_rewind_syscall(arch_regs *regs);

#endif
