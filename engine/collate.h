/*
 * collate.h: the name keys of the print order.
 *
 * Names compare the way people alphabetise them: by the Unicode Collation
 * Algorithm with the CLDR root collation at primary strength, spaces and
 * punctuation ignored (ICU: root locale, strength primary, alternate
 * shifted).  A name's key is its ICU sort key without the terminating
 * zero byte; keys compare as bytes with memcmp, and contain no zero byte,
 * so "last name, 0, first name, 0" orders by last name, then first name.
 * `Núñez` and `Nunez` have the same key, `O'Brien` and `Obrien`, `Straße`
 * and `Strasse`; `Ødegaard` files under O, `Đặng` under D.
 *
 *   collator *c;
 *   collator_new(&c);                      one per thread (ICU's is not
 *   collate_name(c, s, n, &key);           shared between threads)
 *   collator_free(c);
 */
#ifndef SSRFILL_COLLATE_H
#define SSRFILL_COLLATE_H

#include <stddef.h>

#include "../base/bytebuf.h"
#include "../base/status.h"

typedef struct collator collator;

/* ST_INTERNAL when ICU's root collation cannot be opened (its data is
 * missing), ST_NOMEM when memory runs out. */
status collator_new(collator **out);
void collator_free(collator *c);

/* Append the key of the name s[0, n) (UTF-8, checked by validation) to
 * out; an empty key for a name of only spaces and punctuation.  out->oom
 * is set if memory runs out. */
void collate_name(collator *c, const char *s, size_t n, bytebuf *out);

/* The same key, always computed by ICU: the reference the fast path is
 * tested against. */
void collate_name_icu(collator *c, const char *s, size_t n, bytebuf *out);

/* Whether collate_name keys s[0, n) from its table rather than by ICU (for
 * the tests: the names nearly every row has must take the fast path). */
int collate_fast_covers(const collator *c, const char *s, size_t n);

#endif
