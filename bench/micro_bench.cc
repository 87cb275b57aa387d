// micro_bench.cc: Google Benchmark micro-benchmarks of ssrfill's C API —
// CSV parsing, key building with name folding, the in-memory run sort,
// run write and read with zstd, and the k-way merge at several fan-ins.
// Inputs come from the synthetic generator, so the numbers describe the
// statewide data the tool is built for.  Run with `make bench`.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <unistd.h>

extern "C" {
#include "../engine/collate.h"
#include "../base/bytebuf.h"
#include "../sorter/runfile.h"
#include "../sorter/sorter.h"
#include "../engine/student.h"
#include "../gen/synth.h"
#include "../io/csv_reader.h"
#include "../io/instream.h"
#include "../readers/student_reader.h"
}

namespace {

// One generated sample shared by every benchmark: 200,000 rows.
struct Sample {
	std::string dir, csv;
	std::vector<std::string> keys, payloads;
	size_t bytes = 0;
	Sample()
	{
		char tmpl[] = "/tmp/ssrfill-bench-XXXXXX";
		dir = mkdtemp(tmpl);
		csv = dir + "/s.csv";
		const std::string orders = dir + "/o.csv";
		synth_opts o{};
		o.rows = 200000;
		o.seed = 7;
		o.students_path = csv.c_str();
		o.orders_path = orders.c_str();
		if (synth_run(&o) != ST_OK)
			std::abort();
		student_reader *rd;
		if (student_reader_open(&rd, csv.c_str(), nullptr) != ST_OK)
			std::abort();
		student s;
		const csv_record *rec;
		collator *coll;
		if (collator_new(&coll) != ST_OK)
			std::abort();
		bytebuf key;
		bytebuf_init(&key);
		while (student_reader_next(rd, &s, &rec) == ST_OK) {
			key.len = 0;
			student_key(&s, -1, coll, &key);
			keys.emplace_back(reinterpret_cast<const char *>(key.p), key.len);
			payloads.emplace_back(rec->raw, rec->raw_len);
			bytes += rec->raw_len + 1;
		}
		bytebuf_release(&key);
		collator_free(coll);
		student_reader_free(rd);
	}
	~Sample()
	{
		std::string cmd = "rm -rf '" + dir + "'";
		if (std::system(cmd.c_str()) != 0)
			std::fprintf(stderr, "could not remove %s\n", dir.c_str());
	}
};

Sample &sample()
{
	static Sample s;
	return s;
}

void BM_CsvParse(benchmark::State &state)
{
	Sample &s = sample();
	for (auto _ : state) {
		instream *in;
		csv_reader *r;
		if (instream_open(&in, s.csv.c_str()) != ST_OK || csv_reader_open(&r, in) != ST_OK)
			std::abort();
		csv_record rec;
		size_t n = 0;
		while (csv_reader_next(r, &rec) == ST_OK)
			n += rec.n_fields;
		benchmark::DoNotOptimize(n);
		csv_reader_free(r);
	}
	state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(s.bytes));
	state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(s.keys.size()));
}
BENCHMARK(BM_CsvParse)->Unit(benchmark::kMillisecond);

// Parse, validate, check duplicates and build keys: the ingest path.
void BM_IngestAndKeys(benchmark::State &state)
{
	Sample &s = sample();
	for (auto _ : state) {
		student_reader *rd;
		if (student_reader_open(&rd, s.csv.c_str(), nullptr) != ST_OK)
			std::abort();
		student st;
		const csv_record *rec;
		collator *coll;
		if (collator_new(&coll) != ST_OK)
			std::abort();
		bytebuf key;
		bytebuf_init(&key);
		while (student_reader_next(rd, &st, &rec) == ST_OK) {
			key.len = 0;
			student_key(&st, -1, coll, &key);
		}
		bytebuf_release(&key);
		collator_free(coll);
		student_reader_free(rd);
	}
	state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(s.bytes));
	state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(s.keys.size()));
}
BENCHMARK(BM_IngestAndKeys)->Unit(benchmark::kMillisecond);

// Name keys: the fast path (every name here but the Hangul one) and ICU's
// own key for the same names (state.range(0) == 1), the cost the fast path
// saves.
void BM_CollateNames(benchmark::State &state)
{
	static const char *const names[] = { "Núñez", "O'Brien", "De La Cruz", "Nguyễn", "Smith",
					     "김민준", "Straße", "Hernández-López", "McDONALD", "Đặng" };
	collator *coll;
	if (collator_new(&coll) != ST_OK)
		std::abort();
	bytebuf b;
	bytebuf_init(&b);
	for (auto _ : state) {
		for (const char *n : names) {
			b.len = 0;
			if (state.range(0))
				collate_name_icu(coll, n, std::strlen(n), &b);
			else
				collate_name(coll, n, std::strlen(n), &b);
		}
		benchmark::DoNotOptimize(b.len);
	}
	bytebuf_release(&b);
	collator_free(coll);
	state.SetItemsProcessed(int64_t(state.iterations()) * 10);
}
BENCHMARK(BM_CollateNames)->Arg(0)->Arg(1);

sorter *make_sorter(size_t memory, int threads)
{
	sorter *so;
	const sorter_opts o = { memory, threads, "/tmp" };
	if (sorter_new(&so, &o) != ST_OK)
		std::abort();
	return so;
}

void feed(sorter *so, const Sample &s)
{
	for (size_t i = 0; i < s.keys.size(); i++)
		if (sorter_add(so, s.keys[i].data(), s.keys[i].size(), s.payloads[i].data(),
			       s.payloads[i].size()) != ST_OK)
			std::abort();
}

void drain(sorter *so)
{
	if (sorter_finish(so) != ST_OK)
		std::abort();
	sorter_item it;
	size_t n = 0;
	while (sorter_next(so, &it) == ST_OK)
		n += it.payload_len;
	benchmark::DoNotOptimize(n);
}

// Everything in memory: radix pass on prefixes, then memcmp within groups.
void BM_InMemorySort(benchmark::State &state)
{
	Sample &s = sample();
	for (auto _ : state) {
		sorter *so = make_sorter(size_t(1) << 30, 1);
		feed(so, s);
		drain(so);
		sorter_free(so);
	}
	state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(s.keys.size()));
	state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(s.bytes));
}
BENCHMARK(BM_InMemorySort)->Unit(benchmark::kMillisecond);

void BM_RunWriteRead(benchmark::State &state)
{
	Sample &s = sample();
	ZSTD_CCtx *c = ZSTD_createCCtx();
	ZSTD_DCtx *d = ZSTD_createDCtx();
	const std::string path = s.dir + "/run";
	for (auto _ : state) {
		runfile_writer *w;
		unlink(path.c_str());
		if (runfile_writer_open(&w, path.c_str(), c) != ST_OK)
			std::abort();
		for (size_t i = 0; i < s.keys.size(); i++)
			runfile_put(w, s.keys[i].data(), s.keys[i].size(), s.payloads[i].data(), s.payloads[i].size());
		if (runfile_writer_close(w) != ST_OK)
			std::abort();
		runfile_reader *r;
		if (runfile_reader_open(&r, path.c_str(), d) != ST_OK)
			std::abort();
		runfile_rec rec;
		size_t n = 0;
		while (runfile_next(r, &rec) == ST_OK)
			n += rec.payload_len;
		benchmark::DoNotOptimize(n);
		runfile_reader_free(r);
	}
	unlink(path.c_str());
	ZSTD_freeCCtx(c);
	ZSTD_freeDCtx(d);
	state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(s.bytes));
}
BENCHMARK(BM_RunWriteRead)->Unit(benchmark::kMillisecond);

// Spill and merge: the budget sets the number of runs the merge takes at
// once (about sample bytes / (budget / 2)).  Arg: the budget in KiB.
void BM_SpillAndMerge(benchmark::State &state)
{
	Sample &s = sample();
	uint64_t runs = 0;
	for (auto _ : state) {
		sorter *so = make_sorter(size_t(state.range(0)) << 10, 1);
		feed(so, s);
		drain(so);
		sorter_stats st;
		sorter_stats_get(so, &st);
		runs = st.n_runs;
		sorter_free(so);
	}
	state.counters["runs"] = double(runs);
	state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(s.bytes));
}
BENCHMARK(BM_SpillAndMerge)->Arg(16384)->Arg(4096)->Arg(1024)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
