/*
 * tmpfiles.h: the registry of files and folders that must not outlive a
 * failed or interrupted run (spill files, outputs being built).
 *
 *   tmpfiles_install_signals();        // once, at start
 *   tmpfiles_add(path, is_dir);        // right after creating it
 *   ... on success: rename the outputs into place, then tmpfiles_forget_all()
 *   ... on failure: tmpfiles_cleanup()
 *
 * On SIGINT, SIGTERM, SIGHUP or SIGPIPE the handler removes everything
 * registered (files first, then folders, newest first) and re-raises the
 * signal with its default action, so the exit status says what happened.
 */
#ifndef SSRFILL_TMPFILES_H
#define SSRFILL_TMPFILES_H

#include "../engine/status.h"

status tmpfiles_add(const char *path, int is_dir);
/* mkdtemp(3) and register the folder as one step: termination signals are
 * held back in between, so no signal can find it created but unregistered.
 * ST_IO (errno kept) when the folder cannot be made. */
status tmpfiles_mkdtemp(char *template);
/* Worker threads bracket every file or folder they create with these (the
 * path registered first).  begin returns -1 (errno EINTR) once a signal is
 * being handled: the handler waits for creations in flight, so nothing is
 * created behind its clean-up. */
int tmpfiles_create_begin(void);
void tmpfiles_create_end(void);
/* Block the termination signals in the calling (worker) thread, so the
 * handler always runs on the main thread. */
void tmpfiles_block_in_thread(void);
/* Remove one path from the registry without deleting it. */
void tmpfiles_forget(const char *path);
void tmpfiles_forget_all(void);
/* Delete everything registered (newest first) and empty the registry. */
void tmpfiles_cleanup(void);
void tmpfiles_install_signals(void);
/* Nonzero once a termination signal arrived (the handler cleans up and
 * re-raises, so this is seen only while the handler runs). */
int tmpfiles_interrupted(void);

#endif
