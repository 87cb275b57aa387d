/*
 * synth_bad.c: the malformed rows `gen --bad-rows RATE` slips into the
 * students file, every one a reject by docs/rules.md §3.3-§3.4.
 *
 *   synth_bad_row(s)      instead of a good row, when the bad-row stream
 *                         says so (synth_rows_write)
 *
 * A malformed row is a one-off "phantom" student (its SSID from the top of
 * the SSID space, so it never meets a real one) with exactly one defect:
 * SSID, LEA or school code shape, grade, blank name, unknown report,
 * report not given in the grade, home language, SSR language, paper flag,
 * field count, invalid UTF-8, or an exact copy of an earlier good row,
 * taken from the ring of recent rows synth_rows.c keeps.  Every draw here
 * comes from s->r_bad, so the good rows around are the same as in a clean
 * file.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "synth_internal.h"

/* The defects, one per malformed row. */
enum { BAD_SSID, BAD_LEA, BAD_SCHOOL, BAD_GRADE, BAD_LAST, BAD_FIRST,
       BAD_REPORT, BAD_REPORT_GRADE, BAD_PLANG, BAD_SSRLANG, BAD_PAPER,
       BAD_FIELDS, BAD_UTF8, BAD_DUP, N_BAD };

/* A 7-digit code mangled: too short, too long or punctuated. */
static span bad_code(rng *r, const char *code, char *buf)
{
	switch (rng_below(r, 3)) {
	case 0:
		memcpy(buf, code, 6);
		return (span){ buf, 6 };
	case 1:
		buf[0] = '0';
		memcpy(buf + 1, code, 7);
		return (span){ buf, 8 };
	default:
		memcpy(buf, code, 2);
		buf[2] = '-';
		memcpy(buf + 3, code + 2, 5);
		return (span){ buf, 8 };
	}
}

void synth_bad_row(synth *s)
{
	rng *r = &s->r_bad;
	unsigned kind = rng_below(r, N_BAD);
	if (kind == BAD_DUP) {
		if (s->ring_n) {
			/* an exact copy of a recent good row */
			const uint32_t i = rng_below(r, s->ring_n);
			outstream_write(s->out, s->ring[i], s->ring_len[i]);
			return;
		}
		kind = rng_below(r, N_BAD - 1);
	}
	student *ph = &s->phantom;
	synth_rows_draw(s, r, ph, SSID_SPACE - 1 - s->n_phantoms++);
	span f[N_COLS + 1];
	synth_rows_fields(s, ph, ph->rep[rng_below(r, ph->n_rep)], f);
	size_t n_cols = N_COLS;
	char buf[32];

	switch (kind) {
	case BAD_SSID:
		switch (rng_below(r, 4)) {
		case 0:
			f[C_SSID].n = 9;
			break;
		case 1:
			memcpy(buf, ph->ssid, 10);
			buf[10] = (char)('0' + rng_below(r, 10));
			f[C_SSID] = (span){ buf, 11 };
			break;
		case 2:
			memcpy(buf, ph->ssid, 10);
			buf[1 + rng_below(r, 9)] = 'O';  /* a letter O for a zero */
			f[C_SSID] = (span){ buf, 10 };
			break;
		default:
			f[C_SSID] = (span){ "", 0 };
		}
		break;
	case BAD_LEA:
		f[C_LEA_CODE] = bad_code(r, f[C_LEA_CODE].p, buf);
		break;
	case BAD_SCHOOL:
		f[C_SCHOOL_CODE] = bad_code(r, f[C_SCHOOL_CODE].p, buf);
		break;
	case BAD_GRADE: {
		static const char *const g[] = { "K", "13", "7", "PK", "00" };
		f[C_GRADE] = span_str(g[rng_below(r, COUNT(g))]);
		break;
	}
	case BAD_LAST:
		f[C_LAST] = rng_chance(r, 5000) ? (span){ "", 0 } : (span){ "   ", 3 };
		break;
	case BAD_FIRST:
		f[C_FIRST] = rng_chance(r, 5000) ? (span){ "", 0 } : (span){ " ", 1 };
		break;
	case BAD_REPORT: {
		static const char *const rp[] = { "SBAC", "ELA", "CAASPP", "ELPAC-I", "MATH" };
		f[C_REPORT] = span_str(rp[rng_below(r, COUNT(rp))]);
		break;
	}
	case BAD_REPORT_GRADE: {
		/* a real report code in a grade that does not take it */
		static const struct { unsigned rep, grade; } pairs[] = {
			{ R_SB, G_02 }, { R_SB, G_KN }, { R_SB, G_09 }, { R_SB, G_12 },
			{ R_CAA, G_10 }, { R_CAST, G_06 }, { R_CAST, G_03 },
			{ R_CAAS, G_07 }, { R_CSA, G_01 }, { R_CSA, G_TK },
			{ R_CAA, G_TK },
		};
		const unsigned i = rng_below(r, COUNT(pairs));
		f[C_REPORT] = span_str(synth_report_text[pairs[i].rep]);
		f[C_GRADE] = (span){ synth_grade_text[pairs[i].grade], 2 };
		break;
	}
	case BAD_PLANG: {
		static const char *const pl[] = { "1", "ABC", "123", "1A", "SP" };
		f[C_PLANG] = span_str(pl[rng_below(r, COUNT(pl))]);
		break;
	}
	case BAD_SSRLANG: {
		static const char *const sl[] = { "FR", "JA", "SP", "DE", "ENG" };
		f[C_SSRLANG] = span_str(sl[rng_below(r, COUNT(sl))]);
		break;
	}
	case BAD_PAPER:
		f[C_PAPER] = rng_chance(r, 5000) ? (span){ "X", 1 } : (span){ "1", 1 };
		break;
	case BAD_FIELDS:
		if (rng_chance(r, 5000))
			n_cols = N_COLS - 1;  /* the zip went missing */
		else
			f[n_cols++] = (span){ "EXTRA", 5 };
		break;
	case BAD_UTF8: {
		/* Latin-1 bytes where UTF-8 belongs (octal escapes: \351 is
		 * 0xE9, é in Latin-1) */
		static const char *const l1_last[] = { "Garc\355a", "Pe\361a", "N\372\361ez", "M\374ller" };
		static const char *const l1_first[] = { "Jos\351", "Ren\351e", "Zo\353", "Jes\372s" };
		if (rng_chance(r, 5000))
			f[C_LAST] = span_str(l1_last[rng_below(r, COUNT(l1_last))]);
		else
			f[C_FIRST] = span_str(l1_first[rng_below(r, COUNT(l1_first))]);
		break;
	}
	default:
		assert(0);
	}
	const size_t n = csv_join(s->line, sizeof s->line, f, n_cols, 1);
	outstream_write(s->out, s->line, n);
}
