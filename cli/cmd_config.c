/*
 * cmd_config.c: `ssrfill config [--config F]` — print the effective
 * configuration (the built-in defaults with F on top) as an INI file that
 * --config reads back.
 */
#include <getopt.h>
#include <stddef.h>

#include "../engine/config.h"
#include "../readers/config_ini.h"
#include "../io/outstream.h"
#include "cli.h"

int cmd_config(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': path = optarg; break;
		case 'h':
			cli_print_usage("config");
			return ST_OK;
		default:
			return cli_usage_error("config", "unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("config", "unexpected argument '%s'", argv[optind]);
	config cfg;
	config_defaults(&cfg);
	status st = path ? config_load(&cfg, path) : ST_OK;
	if (st == ST_OK)
		st = config_check(&cfg, path ? path : "the built-in configuration");
	if (st != ST_OK)
		return st;
	outstream *o;
	if ((st = outstream_open(&o, "-", 0)) != ST_OK)
		return st;
	config_write_ini(&cfg, o);
	return outstream_close(o);
}
