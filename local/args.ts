// Command-line options of `npm start` and `npm run demo`, with errors that say what was expected.

/** Parsed options. */
export interface LocalArgs {
  province: string;
  speed: number;
  start?: Date;
  port?: number;
  persist?: string;
  simulate: boolean;
  episodes: boolean;
  skipSynth: boolean;
}

/** Parses `--province <code> --speed <n> --start <ISO> --port <n> --persist <dir> --no-sim --no-episodes --skip-synth`. */
export function parseArgs(argv: readonly string[], defaults: Partial<LocalArgs> = {}): LocalArgs {
  const out: LocalArgs = { province: 'da-nang', speed: 60, simulate: true, episodes: true, skipSynth: false, ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--province':
        out.province = value();
        break;
      case '--speed': {
        const v = Number(value());
        if (!(v > 0 && v <= 3600)) throw new Error(`--speed must be a number between 0 and 3600 (simulated seconds per second)`);
        out.speed = v;
        break;
      }
      case '--start': {
        const v = value();
        const d = new Date(v);
        if (Number.isNaN(d.getTime())) throw new Error(`--start must be an ISO 8601 instant, e.g. 2026-11-25T21:30:00+07:00; got "${v}"`);
        out.start = d;
        break;
      }
      case '--port': {
        const v = Number(value());
        if (!Number.isInteger(v) || v < 1 || v > 65535) throw new Error('--port must be a port number');
        out.port = v;
        break;
      }
      case '--persist':
        out.persist = value();
        break;
      case '--no-sim':
        out.simulate = false;
        break;
      case '--no-episodes':
        out.episodes = false;
        break;
      case '--skip-synth':
        out.skipSynth = true;
        break;
      case '--help':
      case '-h':
        throw new Error('help');
      default:
        throw new Error(`unknown option ${flag}`);
    }
  }
  return out;
}

/** The usage text. */
export const USAGE = `usage: npm start -- [--province <code>] [--speed <n>] [--start <ISO instant>] [--port <n>]
                    [--persist <dir>] [--no-sim] [--no-episodes] [--skip-synth]
  --province   a provinces/<code>.json (default da-nang)
  --speed      simulated seconds per wall second (default 60: a night in about 12 minutes)
  --start      where the simulated clock starts (default 21:30 local time today; a crowd forms after 22:00)
  --port       port of the local API and console (default a free port)
  --persist    keep the province's state in this directory between runs (default: every run starts clean)
  --no-sim     no simulated devices: only the API (post your own events with curl)
  --no-episodes  no pollution or flood episode in the simulation (the crowd only)
  --skip-synth use the templates and bundles already in cdk.out`;
