/* SPDX-License-Identifier: MIT */
/* See lock.h. */
#include "verity/lock.h"

#ifndef VERITY_FREESTANDING

int verity_lock_init(struct verity_lock *lock, bool enabled)
{
	lock->enabled = enabled;
	if (!enabled)
		return 0;
	if (pthread_mutex_init(&lock->mutex, NULL) != 0)
		return VERITY_E_THREAD;
	if (pthread_cond_init(&lock->cond, NULL) != 0) {
		pthread_mutex_destroy(&lock->mutex);
		return VERITY_E_THREAD;
	}
	return 0;
}

void verity_lock_destroy(struct verity_lock *lock)
{
	if (!lock->enabled)
		return;
	pthread_cond_destroy(&lock->cond);
	pthread_mutex_destroy(&lock->mutex);
	lock->enabled = false;
}

void verity_lock_acquire(struct verity_lock *lock)
{
	if (lock->enabled)
		pthread_mutex_lock(&lock->mutex);
}

void verity_lock_release(struct verity_lock *lock)
{
	if (lock->enabled)
		pthread_mutex_unlock(&lock->mutex);
}

void verity_lock_wait(struct verity_lock *lock)
{
	if (lock->enabled)
		pthread_cond_wait(&lock->cond, &lock->mutex);
}

void verity_lock_broadcast(struct verity_lock *lock)
{
	if (lock->enabled)
		pthread_cond_broadcast(&lock->cond);
}

#else /* VERITY_FREESTANDING */

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

#endif
