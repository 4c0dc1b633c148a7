/* x86_64: registers and calling convention (rax/orig_rax, rdi rsi rdx r10 r8 r9). */
#include <errno.h>
#include <stddef.h>
#include <sys/ptrace.h>
#include "arch.h"
#include "stats.h"

/* `syscall` is 0f 05. */
#define SYSCALL_INSN_LEN 2

int arch_get_regs(pid_t tid, arch_regs *regs)
{
	stats_tracer_call();
	return ptrace(PTRACE_GETREGS, tid, 0, regs) < 0 ? -1 : 0;
}

int arch_set_regs(pid_t tid, const arch_regs *regs)
{
	stats_tracer_call();
	return ptrace(PTRACE_SETREGS, tid, 0, regs) < 0 ? -1 : 0;
}

long arch_syscall_nr(const arch_regs *regs) { return (long)regs->orig_rax; }
void arch_set_syscall_nr(arch_regs *regs, long nr) { regs->orig_rax = (unsigned long long)nr; }

static unsigned long long *arg_slot(arch_regs *regs, int i)
{
	switch (i) {
	case 0: return &regs->rdi;
	case 1: return &regs->rsi;
	case 2: return &regs->rdx;
	case 3: return &regs->r10;
	case 4: return &regs->r8;
	default: return &regs->r9;
	}
}

uint64_t arch_arg(const arch_regs *regs, int i) { return *arg_slot((arch_regs *)regs, i); }
void arch_set_arg(arch_regs *regs, int i, uint64_t value) { *arg_slot(regs, i) = value; }
long arch_result(const arch_regs *regs) { return (long)regs->rax; }
void arch_set_result(arch_regs *regs, long value) { regs->rax = (unsigned long long)value; }
int arch_entry_marker_is_set(const arch_regs *regs) { return (long)regs->rax == -ENOSYS; }

void arch_rewind_syscall(arch_regs *regs)
{
	regs->rip -= SYSCALL_INSN_LEN;
	regs->rax = regs->orig_rax;
}

int arch_peek_result(pid_t tid, long *value)
{
	errno = 0;
	stats_tracer_call();
	*value = ptrace(PTRACE_PEEKUSER, tid, offsetof(struct user_regs_struct, rax), 0);
	return errno ? -1 : 0;
}

int arch_poke_result(pid_t tid, long value)
{
	stats_tracer_call();
	return ptrace(PTRACE_POKEUSER, tid, offsetof(struct user_regs_struct, rax), value) < 0 ? -1 : 0;
}
