/**
 * Node flags the shape server's process starts with (`dev/commands.ts`, the package's `start`
 * script, `pnpm bench shape-server`). V8 reads heap sizes only when the process starts, so the CLI
 * cannot set them itself. `--max-semi-space-size=2` caps V8's young generation at about 6 MiB
 * instead of up to 48: measured under a 192 MiB budget, the idle server fell from 107 to 96 MiB of
 * RSS and the shapes kept from 931 to 4 628 (docs/benchmarks.md), for ~10 % more CPU per shape.
 */
export const SHAPE_SERVER_NODE_FLAGS = ['--max-semi-space-size=2'] as const
