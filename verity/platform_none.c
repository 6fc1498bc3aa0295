/* SPDX-License-Identifier: MIT */
/*
 * Platform pieces of the freestanding core (a bootloader): no threads (the
 * lock does nothing, tree jobs run in sequence on the caller's thread) and
 * no default allocator (the caller's hooks are required).
 */
#include "verity/lock.h"
#include "verity/tree.h"
#include "verity/util.h"

bool verity_platform_threads(void)
{
	return false;
}

int verity_lock_init(struct verity_lock *lock, bool enabled)
{
	lock->enabled = false;
	return enabled ? VERITY_E_NO_THREADS : 0;
}

void verity_lock_destroy(struct verity_lock *lock)
{
	(void)lock;
}

void verity_lock_acquire(struct verity_lock *lock)
{
	(void)lock;
}

void verity_lock_release(struct verity_lock *lock)
{
	(void)lock;
}

void verity_lock_wait(struct verity_lock *lock)
{
	(void)lock;
}

void verity_lock_broadcast(struct verity_lock *lock)
{
	(void)lock;
}

unsigned verity_online_cpus(void)
{
	return 1;
}

int verity_run_jobs_threaded(const struct verity_jobs *jobs, unsigned threads,
                             const struct verity_allocator *allocator)
{
	(void)threads;
	return verity_run_jobs_sequential(jobs, allocator);
}

bool verity_platform_allocator(void)
{
	return false;
}

void *verity_default_alloc(size_t size)
{
	(void)size;
	return NULL;
}

void verity_default_free(void *ptr)
{
	(void)ptr;
}
