/** The simulator in a process of its own, as Meta is to the gateways: options as JSON in argv[2]; it prints its URL. */
import { startSimulator } from '../../src/simulator/index.js';
import type { SimulatorOptions } from '../../src/simulator/types.js';

const options = JSON.parse(process.argv[2] ?? '{}') as SimulatorOptions;
const simulator = await startSimulator(options);
console.log(`simulator listening on ${simulator.url}`);
process.once('SIGTERM', () => void simulator.close().then(() => process.exit(0)));
