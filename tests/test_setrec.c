/*
 * test_setrec.c: a printed set survives the trip through the sorter
 * (setrec.h): every field and string comes back as it went in, and bytes
 * that are not a whole setrec (cut short, one byte too many, a string
 * length past the end) are refused rather than read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../base/bytebuf.h"
#include "../engine/setrec.h"

static const char *const text[SETREC_NSTR] = {
	"Nguyễn", "Đặng Thị", "", "Los Angeles Unified", "Dr. Hernández Elementary, \"North\"",
	"María O'Brien", "123 Main St\nApt 4", "", "San José", "CA", "95112-0001",
};

static setrec sample(void)
{
	setrec r;
	memset(&r, 0, sizeof r);
	r.lea = 1964733;
	r.school = 6015432;
	r.ssid = 9876543210ull;
	r.weight_mg = 1000000000000LL;   /* the largest sheets the config allows */
	r.grade = 13;
	r.report = 5;
	r.copy2 = 4;
	r.paper = 1;
	r.sheets = 4;
	r.envelopes = 2;
	r.ordered_by = 3;
	for (int i = 0; i < SETREC_NSTR; i++) {
		r.str[i] = text[i];
		r.len[i] = (uint32_t)strlen(text[i]);
	}
	return r;
}

static void assert_same(const setrec *a, const setrec *b)
{
	assert_int_equal(a->lea, b->lea);
	assert_int_equal(a->school, b->school);
	assert_true(a->ssid == b->ssid);
	assert_true(a->weight_mg == b->weight_mg);
	assert_int_equal(a->grade, b->grade);
	assert_int_equal(a->report, b->report);
	assert_int_equal(a->copy2, b->copy2);
	assert_int_equal(a->paper, b->paper);
	assert_int_equal(a->sheets, b->sheets);
	assert_int_equal(a->envelopes, b->envelopes);
	assert_int_equal(a->ordered_by, b->ordered_by);
	for (int i = 0; i < SETREC_NSTR; i++) {
		assert_int_equal(a->len[i], b->len[i]);
		assert_memory_equal(a->str[i], b->str[i], a->len[i]);
	}
}

static void round_trip(void **state)
{
	(void)state;
	const setrec r = sample();
	bytebuf b;
	bytebuf_init(&b);
	setrec_encode(&r, &b);
	assert_false(b.oom);
	setrec d;
	assert_int_equal(setrec_decode(b.p, b.len, &d), 0);
	assert_same(&r, &d);
	/* each string where it should be, not merely of the right length */
	assert_memory_equal(d.str[SR_LAST], "Nguyễn", strlen("Nguyễn"));
	assert_memory_equal(d.str[SR_ZIP], "95112-0001", 10);
	bytebuf_release(&b);
}

/* Two records back to back, as in a buffer: each decodes from its own
 * bytes only. */
static void empty_strings_and_neighbours(void **state)
{
	(void)state;
	setrec a;
	memset(&a, 0, sizeof a);
	for (int i = 0; i < SETREC_NSTR; i++)
		a.str[i] = "";
	a.lea = 1;
	setrec z = sample();
	bytebuf b;
	bytebuf_init(&b);
	setrec_encode(&a, &b);
	const size_t first = b.len;
	setrec_encode(&z, &b);
	setrec d;
	assert_int_equal(setrec_decode(b.p, first, &d), 0);
	assert_same(&a, &d);
	assert_int_equal(setrec_decode(b.p + first, b.len - first, &d), 0);
	assert_same(&z, &d);
	/* the two together are not one setrec */
	assert_int_equal(setrec_decode(b.p, b.len, &d), -1);
	bytebuf_release(&b);
}

/* Cut short anywhere, or with a byte too many: refused. */
static void wrong_length_refused(void **state)
{
	(void)state;
	const setrec r = sample();
	bytebuf b;
	bytebuf_init(&b);
	setrec_encode(&r, &b);
	setrec d;
	for (size_t n = 0; n < b.len; n++)
		if (setrec_decode(b.p, n, &d) != -1)
			fail_msg("a setrec cut to %zu of %zu bytes was accepted", n, b.len);
	bytebuf_put(&b, "x", 1);
	assert_int_equal(setrec_decode(b.p, b.len, &d), -1);
	bytebuf_release(&b);
}

/* A string length that runs past the end, even one that would wrap a
 * 32-bit sum, is refused. */
static void corrupt_lengths_refused(void **state)
{
	(void)state;
	const setrec r = sample();
	bytebuf b;
	bytebuf_init(&b);
	setrec_encode(&r, &b);
	const size_t lens_at = 32;
	setrec d;
	for (int i = 0; i < SETREC_NSTR; i++) {
		const uint32_t bad[] = { r.len[i] + 1, UINT32_MAX, (uint32_t)b.len };
		for (size_t k = 0; k < 3; k++) {
			uint8_t *copy = malloc(b.len);
			assert_non_null(copy);
			memcpy(copy, b.p, b.len);
			memcpy(copy + lens_at + 4 * (size_t)i, &bad[k], 4);
			if (setrec_decode(copy, b.len, &d) != -1)
				fail_msg("string %d with length %u was accepted", i, bad[k]);
			free(copy);
		}
	}
	bytebuf_release(&b);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(empty_strings_and_neighbours),
		cmocka_unit_test(wrong_length_refused),
		cmocka_unit_test(corrupt_lengths_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
