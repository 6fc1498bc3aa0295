/* SPDX-License-Identifier: MIT */
/*
 * The job runner with threads (hosted builds only). The caller's thread
 * prepares and finishes jobs in order and runs jobs itself when it has
 * nothing else to do; workers run prepared jobs, lowest job first. A ring
 * of 2 x threads slots bounds the memory.
 */
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include "verity/tree.h"

#define MAX_THREADS 256

enum slot_state { SLOT_FREE, SLOT_READY, SLOT_RUNNING, SLOT_DONE };

struct slot {
	uint64_t job;
	enum slot_state state;
	int status;
	uint8_t *mem;
};

struct pool {
	const struct verity_jobs *jobs;
	pthread_mutex_t lock;
	pthread_cond_t work_ready; /* workers: a slot became READY, or quit */
	pthread_cond_t work_done;  /* caller: a slot became DONE */
	struct slot *slots;
	unsigned nslots;
	bool quit;
	bool abort; /* drop jobs not yet run */
};

struct worker {
	struct pool *pool;
	uint8_t *scratch;
	pthread_t thread;
};

unsigned verity_online_cpus(void)
{
	cpu_set_t set;
	long n;

	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		n = CPU_COUNT(&set);
	else
		n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	return n > MAX_THREADS ? MAX_THREADS : (unsigned)n;
}

/* Called with the lock held. */
static struct slot *lowest_ready(struct pool *pool)
{
	struct slot *best = NULL;

	for (unsigned i = 0; i < pool->nslots; i++) {
		struct slot *s = &pool->slots[i];

		if (s->state == SLOT_READY && (!best || s->job < best->job))
			best = s;
	}
	return best;
}

/* Called with the lock held; returns with it held. */
static void run_slot(struct pool *pool, struct slot *s, uint8_t *scratch)
{
	bool skip = pool->abort;
	int status = 0;

	s->state = SLOT_RUNNING;
	pthread_mutex_unlock(&pool->lock);
	if (!skip)
		status = pool->jobs->run(pool->jobs->ctx, s->job, s->mem, scratch);
	pthread_mutex_lock(&pool->lock);
	s->status = status;
	s->state = SLOT_DONE;
	pthread_cond_signal(&pool->work_done);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct pool *pool = w->pool;

	pthread_mutex_lock(&pool->lock);
	for (;;) {
		struct slot *s = lowest_ready(pool);

		if (s) {
			run_slot(pool, s, w->scratch);
			continue;
		}
		if (pool->quit)
			break;
		pthread_cond_wait(&pool->work_ready, &pool->lock);
	}
	pthread_mutex_unlock(&pool->lock);
	return NULL;
}

/* The caller's loop; called and returns with the lock held. */
static int drive(struct pool *pool, uint8_t *scratch)
{
	const struct verity_jobs *jobs = pool->jobs;
	uint64_t next_prepare = 0, next_finish = 0;
	int prepare_error = 0;
	bool stop = false;

	while (next_finish < next_prepare || (!stop && next_prepare < jobs->count)) {
		struct slot *fin = &pool->slots[next_finish % pool->nslots];
		struct slot *prep = &pool->slots[next_prepare % pool->nslots];
		struct slot *ready;

		if (next_finish < next_prepare && fin->state == SLOT_DONE) {
			int ret;

			pthread_mutex_unlock(&pool->lock);
			ret = jobs->finish(jobs->ctx, next_finish, fin->mem, fin->status);
			pthread_mutex_lock(&pool->lock);
			fin->state = SLOT_FREE;
			next_finish++;
			if (ret) {
				pool->abort = true;
				return ret;
			}
			continue;
		}
		if (!stop && next_prepare < jobs->count && prep->state == SLOT_FREE) {
			int ret = 0;

			pthread_mutex_unlock(&pool->lock);
			if (jobs->prepare)
				ret = jobs->prepare(jobs->ctx, next_prepare, prep->mem);
			pthread_mutex_lock(&pool->lock);
			prep->job = next_prepare++;
			prep->state = SLOT_READY;
			pthread_cond_signal(&pool->work_ready);
			if (ret < 0) {
				prepare_error = ret;
				stop = true;
			}
			continue;
		}
		ready = lowest_ready(pool);
		if (ready) {
			run_slot(pool, ready, scratch);
			continue;
		}
		pthread_cond_wait(&pool->work_done, &pool->lock);
	}
	return prepare_error;
}

int verity_run_jobs_threaded(const struct verity_jobs *jobs, unsigned threads,
                             const struct verity_allocator *allocator)
{
	size_t slot_bytes = verity_align64(jobs->slot_size);
	size_t scratch_bytes = verity_align64(jobs->scratch_size);
	struct pool pool = {.jobs = jobs};
	struct worker *workers;
	struct slot *slots;
	uint8_t *mem;
	unsigned started = 0;
	int ret;

	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	pool.nslots = 2 * threads;
	workers = verity_alloc(allocator, sizeof(*workers) * threads);
	slots = verity_alloc(allocator, sizeof(*slots) * pool.nslots);
	mem = verity_alloc(allocator, slot_bytes * pool.nslots + scratch_bytes * threads);
	if (!workers || !slots || !mem) {
		verity_free(allocator, workers);
		verity_free(allocator, slots);
		verity_free(allocator, mem);
		return VERITY_E_NOMEM;
	}
	for (unsigned i = 0; i < pool.nslots; i++) {
		slots[i].state = SLOT_FREE;
		slots[i].mem = mem + slot_bytes * i;
	}
	pool.slots = slots;
	pthread_mutex_init(&pool.lock, NULL);
	pthread_cond_init(&pool.work_ready, NULL);
	pthread_cond_init(&pool.work_done, NULL);

	/* Worker i > 0 gets scratch i; the caller's thread uses scratch 0. */
	for (unsigned i = 1; i < threads; i++) {
		workers[started].pool = &pool;
		workers[started].scratch = mem + slot_bytes * pool.nslots + scratch_bytes * i;
		if (pthread_create(&workers[started].thread, NULL, worker_main, &workers[started]))
			break; /* fewer threads still get the work done */
		started++;
	}

	pthread_mutex_lock(&pool.lock);
	ret = drive(&pool, mem + slot_bytes * pool.nslots);
	pool.quit = true;
	pthread_cond_broadcast(&pool.work_ready);
	pthread_mutex_unlock(&pool.lock);
	for (unsigned i = 0; i < started; i++)
		pthread_join(workers[i].thread, NULL);

	pthread_cond_destroy(&pool.work_done);
	pthread_cond_destroy(&pool.work_ready);
	pthread_mutex_destroy(&pool.lock);
	verity_free(allocator, mem);
	verity_free(allocator, slots);
	verity_free(allocator, workers);
	return ret;
}
