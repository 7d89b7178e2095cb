/**
 * Shared set-up for the node tests: one simulator per test file, a fresh state before each
 * test, and the OpenAPI contract check run on every request the test made.
 */
import { loadContract, type Contract } from '../contract/openapi';
import { noteContract, specsFor } from '../contract/specs';
import { startSimulator, SIM_KEYS, type Simulator } from '../simulator/server';
import type { SimulatorOptions } from '../simulator/types';
import { byId, runNode, type RunOptions, type RunResult } from '../support/engine';

export { byId, SIM_KEYS };

let contract: Contract | undefined;
let checked = 0;

export function useSimulator(options?: SimulatorOptions): { sim: () => Simulator } {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await startSimulator(options);
		if (specsFor("the node's requests and the simulator's replies against the partner spec"))
			contract ??= loadContract();
	});
	beforeEach(() => sim.reset());
	afterEach(() => {
		if (!contract) return;
		const violations = sim.requests.flatMap((request) => contract!.validateExchange(request));
		checked += sim.requests.length;
		expect(violations).toEqual([]);
	});
	afterAll(async () => {
		await sim.close();
		// How many exchanges this file checked (-1: none), for the summary reporter.
		noteContract(contract ? checked : -1);
	});
	return { sim: () => sim };
}

export function credentialsFor(sim: Simulator, apiKey: string = SIM_KEYS.communication) {
	return { apiKey, baseUrl: sim.url };
}

/** Runs the node with the simulator's communication key unless told otherwise. */
export async function run(
	sim: Simulator,
	parameters: RunOptions['parameters'],
	extra: Partial<RunOptions> = {},
): Promise<RunResult> {
	return await runNode({ credentials: credentialsFor(sim), parameters, ...extra });
}

export function chatRequests(sim: Simulator, operationId: string) {
	return sim.requests.filter((r) => r.operationId === operationId);
}
