/* SPDX-License-Identifier: MIT */
/*
 * Platform pieces of a hosted build: the lock on pthreads and malloc as the
 * default allocator. (Threads for tree jobs: verify_threads.c.) The
 * freestanding build links platform_none.c instead.
 */
#include <pthread.h>
#include <stdlib.h>

#include "verity/lock.h"
#include "verity/util.h"

struct posix_lock {
	pthread_mutex_t mutex;
	pthread_cond_t cond;
};

_Static_assert(sizeof(struct posix_lock) <= VERITY_LOCK_STORAGE, "lock storage too small");
_Static_assert(_Alignof(struct posix_lock) <= 8, "lock storage misaligned");

static struct posix_lock *impl(struct verity_lock *lock)
{
	return (struct posix_lock *)(void *)lock->storage;
}

bool verity_platform_threads(void)
{
	return true;
}

int verity_lock_init(struct verity_lock *lock, bool enabled)
{
	lock->enabled = enabled;
	if (!enabled)
		return 0;
	if (pthread_mutex_init(&impl(lock)->mutex, NULL) != 0)
		return VERITY_E_THREAD;
	if (pthread_cond_init(&impl(lock)->cond, NULL) != 0) {
		pthread_mutex_destroy(&impl(lock)->mutex);
		return VERITY_E_THREAD;
	}
	return 0;
}

void verity_lock_destroy(struct verity_lock *lock)
{
	if (!lock->enabled)
		return;
	pthread_cond_destroy(&impl(lock)->cond);
	pthread_mutex_destroy(&impl(lock)->mutex);
	lock->enabled = false;
}

void verity_lock_acquire(struct verity_lock *lock)
{
	if (lock->enabled)
		pthread_mutex_lock(&impl(lock)->mutex);
}

void verity_lock_release(struct verity_lock *lock)
{
	if (lock->enabled)
		pthread_mutex_unlock(&impl(lock)->mutex);
}

void verity_lock_wait(struct verity_lock *lock)
{
	if (lock->enabled)
		pthread_cond_wait(&impl(lock)->cond, &impl(lock)->mutex);
}

void verity_lock_broadcast(struct verity_lock *lock)
{
	if (lock->enabled)
		pthread_cond_broadcast(&impl(lock)->cond);
}

bool verity_platform_allocator(void)
{
	return true;
}

void *verity_default_alloc(size_t size)
{
	return malloc(size);
}

void verity_default_free(void *ptr)
{
	free(ptr);
}
