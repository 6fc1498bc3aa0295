/* SPDX-License-Identifier: MIT */
/*
 * The device's lock: a mutex and condition variable when the device was
 * opened thread-safe, nothing otherwise. The implementation is the
 * platform file linked in: platform_posix.c (pthreads) or platform_none.c
 * (freestanding: no threads).
 */
#ifndef VERITY_LOCK_H
#define VERITY_LOCK_H

#include "libverity.h"

/* Room for the platform's mutex and condition variable (checked there). */
#define VERITY_LOCK_STORAGE 192

struct verity_lock {
	bool enabled;
	_Alignas(8) unsigned char storage[VERITY_LOCK_STORAGE];
};

/* Whether the platform file linked in has threads. */
bool verity_platform_threads(void);

/* Return: 0, VERITY_E_NO_THREADS (no threads, @enabled) or VERITY_E_THREAD. */
int verity_lock_init(struct verity_lock *lock, bool enabled);
void verity_lock_destroy(struct verity_lock *lock);
void verity_lock_acquire(struct verity_lock *lock);
void verity_lock_release(struct verity_lock *lock);
/* Wait for verity_lock_broadcast(); the lock must be held. */
void verity_lock_wait(struct verity_lock *lock);
void verity_lock_broadcast(struct verity_lock *lock);

#endif /* VERITY_LOCK_H */
