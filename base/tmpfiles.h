/*
 * tmpfiles.h: the registry of files and folders that must not outlive a
 * failed or interrupted run (spill files, outputs being built), the owner
 * locks that tell a live run's from a killed run's, and the sweep that
 * removes a killed run's leftovers.
 *
 *   tmpfiles_install_signals();        // once, at start
 *   tmpfiles_sweep(parent, cb, arg);   // leftovers of killed runs there
 *   tmpfiles_mkdtemp(tpl) / tmpfiles_mkstemp(tpl, &fd)  // unique, locked
 *   tmpfiles_add(path, is_dir);        // right after creating it
 *   ... on success: rename the outputs into place, then tmpfiles_forget_all()
 *   ... on failure: tmpfiles_cleanup()
 *
 * On any catchable signal whose default action ends the process (SIGINT,
 * SIGTERM, SIGHUP, SIGPIPE, SIGQUIT, SIGUSR1, SIGXFSZ, SIGXCPU, SIGABRT,
 * SIGTRAP, ...) the handler removes everything registered (files first,
 * then folders, newest first) and re-raises the signal with its default
 * action, so the exit status says what happened.  What no handler sees
 * (SIGKILL, the OOM killer, a power cut) the next sweep removes.
 */
#ifndef SSRFILL_TMPFILES_H
#define SSRFILL_TMPFILES_H

#include <stddef.h>

#include "status.h"

status tmpfiles_add(const char *path, int is_dir);
/* Make a unique folder from template (its last six characters "XXXXXX",
 * replaced), register it and hold an owner lock on it until it is
 * forgotten; termination signals are held back in between, so no signal
 * can find it created but unregistered.  ST_IO (errno kept) when the
 * folder cannot be made. */
status tmpfiles_mkdtemp(char *template);
/* The same for a file (mode 0600): *fd is open for writing, the caller's
 * to close; the lock stays until tmpfiles_forget(template). */
status tmpfiles_mkstemp(char *template, int *fd);
/* Lock the file at path (created mode 0600, registered so it goes with
 * the run) and write this process's pid, host and start into it.  When
 * another process holds it, fails with ST_IO naming `what` and that
 * holder.  The lock lasts until the caller unlinks path and forgets it. */
status tmpfiles_lock(const char *path, const char *what, int *fd);
/* Remove from folder dir the ssrfill leftovers (staged outputs, spill
 * folders, lock files) of processes that are gone: those whose owner lock
 * can be taken.  removed(path, arg) is called for each but lock files. */
status tmpfiles_sweep(const char *dir, void (*removed)(const char *path, void *arg), void *arg);
/* Worker threads bracket every file or folder they create with these (the
 * path registered first).  begin returns -1 (errno EINTR) once a signal is
 * being handled: the handler waits for creations in flight, so nothing is
 * created behind its clean-up. */
int tmpfiles_create_begin(void);
void tmpfiles_create_end(void);
/* Block the asynchronous termination signals in the calling (worker)
 * thread, so their handler runs on the main thread. */
void tmpfiles_block_in_thread(void);
/* Remove one path from the registry without deleting it (its lock, if
 * any, is released). */
void tmpfiles_forget(const char *path);
void tmpfiles_forget_all(void);
/* Delete everything registered (newest first) and empty the registry. */
void tmpfiles_cleanup(void);
void tmpfiles_install_signals(void);

#endif
