/* SPDX-License-Identifier: MIT */
/*
 * The device's lock: a pthread mutex and condition variable in hosted builds
 * when the device was opened thread-safe, nothing otherwise (freestanding
 * builds have no threads).
 */
#ifndef VERITY_LOCK_H
#define VERITY_LOCK_H

#include "libverity.h"

#ifndef VERITY_FREESTANDING
#include <pthread.h>
#endif

struct verity_lock {
	bool enabled;
#ifndef VERITY_FREESTANDING
	pthread_mutex_t mutex;
	pthread_cond_t cond;
#endif
};

/* Return: 0, VERITY_E_NO_THREADS (freestanding, @enabled) or VERITY_E_THREAD. */
int verity_lock_init(struct verity_lock *lock, bool enabled);
void verity_lock_destroy(struct verity_lock *lock);
void verity_lock_acquire(struct verity_lock *lock);
void verity_lock_release(struct verity_lock *lock);
/* Wait for verity_lock_broadcast(); the lock must be held. */
void verity_lock_wait(struct verity_lock *lock);
void verity_lock_broadcast(struct verity_lock *lock);

#endif /* VERITY_LOCK_H */
