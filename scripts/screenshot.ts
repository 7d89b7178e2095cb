/**
 * `npm run screenshot`: a picture of the Yandex Market node open in the n8n editor.
 *
 * Starts the sandbox of `npm run dev` on free ports, drives Debian's headless
 * Chromium over the DevTools protocol (Node's built-in WebSocket), signs in
 * through the editor's sign-in form, opens the example workflow, double-clicks
 * the Yandex Market node, runs it once ("Execute step", against the simulator)
 * and saves the panel as docs/yandex-market-node.png (1400×900). The canvas of
 * the workflow goes to docs/yandex-market-workflow.png. Then it opens the
 * auto-reply workflow's Yandex Market Trigger with "Webhook URLs" expanded on
 * Production URL (the address a seller pastes into the Market seller cabinet)
 * and saves docs/yandex-market-trigger.png (1400×900).
 *
 * Installs Debian's `chromium` with apt-get when /usr/bin/chromium is missing
 * (needs root). CHROMIUM=/path/to/chromium uses another binary.
 * SCREENSHOT_DEBUG=1 also saves each step to /tmp/ym-screenshot-*.png.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT, ensureN8n, freePort, loadWorkflow } from '../test/e2e/harness';
import { SANDBOX_OWNER, startSandbox, type Sandbox } from './sandbox';

const OUTPUT = path.join(REPO_ROOT, 'docs', 'yandex-market-node.png');
const WORKFLOW_OUTPUT = path.join(REPO_ROOT, 'docs', 'yandex-market-workflow.png');
const WIDTH = 1400;
const HEIGHT = 900;
/** The workflow and node shown. */
const WORKFLOW = 'reply-waiting';
const NODE_NAME = 'Chats waiting for us';
const TRIGGER_OUTPUT = path.join(REPO_ROOT, 'docs', 'yandex-market-trigger.png');
/** The workflow whose trigger is shown (its trigger node is found by type). */
const TRIGGER_WORKFLOW = 'trigger-auto-reply';
const TRIGGER_TYPE = 'n8n-nodes-yandex-market.yandexMarketTrigger';
/** How much wider the parameter panel is made for the trigger, so its URL fits on one line. */
const TRIGGER_PANEL_WIDEN = 100;
const DEBUG = Boolean(process.env.SCREENSHOT_DEBUG);

const log = (message: string) => process.stderr.write(`[screenshot] ${message}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------
// Chromium

function ensureChromium(): string {
	const wanted = process.env.CHROMIUM ?? '/usr/bin/chromium';
	if (existsSync(wanted)) return wanted;
	if (process.env.CHROMIUM) throw new Error(`CHROMIUM=${wanted} does not exist`);
	if (process.getuid?.() !== 0) {
		throw new Error(
			'/usr/bin/chromium is missing: install it with `sudo apt-get install -y chromium` (Debian) and run again',
		);
	}
	log("installing Debian's chromium (apt-get update && apt-get install -y chromium)…");
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	for (const args of [['update'], ['install', '-y', 'chromium']]) {
		const result = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env });
		if (result.status !== 0)
			throw new Error(`apt-get ${args.join(' ')} failed (rc ${result.status})`);
	}
	if (!existsSync(wanted))
		throw new Error('apt-get installed chromium, but /usr/bin/chromium is still missing');
	return wanted;
}

interface Browser {
	process: ChildProcess;
	port: number;
	profile: string;
}

async function launchChromium(binary: string): Promise<Browser> {
	const port = await freePort();
	const profile = mkdtempSync(path.join(tmpdir(), 'ym-chromium-'));
	const child = spawn(
		binary,
		[
			'--headless=new',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-dev-shm-usage',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--disable-extensions',
			'--no-first-run',
			'--no-default-browser-check',
			'--hide-scrollbars',
			'--force-device-scale-factor=1',
			'--lang=en-US',
			`--window-size=${WIDTH},${HEIGHT}`,
			'--remote-debugging-address=127.0.0.1',
			`--remote-debugging-port=${port}`,
			'--remote-allow-origins=*',
			`--user-data-dir=${profile}`,
			'about:blank',
		],
		{ stdio: ['ignore', 'ignore', 'pipe'] },
	);
	let stderr = '';
	child.stderr!.on('data', (chunk: Buffer) => {
		stderr += chunk.toString();
	});
	const deadline = Date.now() + 30_000;
	for (;;) {
		if (child.exitCode !== null)
			throw new Error(`chromium exited (rc ${child.exitCode}):\n${stderr}`);
		try {
			const response = await fetch(`http://127.0.0.1:${port}/json/version`);
			if (response.ok) return { process: child, port, profile };
		} catch {
			// not yet listening
		}
		if (Date.now() > deadline) throw new Error(`chromium's DevTools port did not open:\n${stderr}`);
		await sleep(200);
	}
}

// ---------------------------------------------------------------------------
// A small DevTools protocol client

class Cdp {
	private nextId = 1;
	private readonly pending = new Map<
		number,
		{ resolve: (value: unknown) => void; reject: (error: Error) => void; method: string }
	>();

	private constructor(private readonly socket: WebSocket) {
		socket.addEventListener('message', (event: MessageEvent) => {
			const message = JSON.parse(String(event.data)) as {
				id?: number;
				result?: unknown;
				error?: { message: string };
			};
			if (message.id === undefined) return;
			const waiter = this.pending.get(message.id);
			if (!waiter) return;
			this.pending.delete(message.id);
			if (message.error) waiter.reject(new Error(`${waiter.method}: ${message.error.message}`));
			else waiter.resolve(message.result);
		});
	}

	static async connect(url: string): Promise<Cdp> {
		const socket = new WebSocket(url);
		await new Promise<void>((resolve, reject) => {
			socket.addEventListener('open', () => resolve(), { once: true });
			socket.addEventListener('error', () => reject(new Error(`cannot connect to ${url}`)), {
				once: true,
			});
		});
		return new Cdp(socket);
	}

	async send<T = Record<string, unknown>>(
		method: string,
		params: Record<string, unknown> = {},
	): Promise<T> {
		const id = this.nextId++;
		const result = new Promise<unknown>((resolve, reject) =>
			this.pending.set(id, { resolve, reject, method }),
		);
		this.socket.send(JSON.stringify({ id, method, params }));
		return (await result) as T;
	}

	/** Evaluates an expression in the page and returns its (JSON-able) value. */
	async evaluate<T = unknown>(expression: string): Promise<T> {
		const result = await this.send<{ result: { value?: T }; exceptionDetails?: { text: string } }>(
			'Runtime.evaluate',
			{
				expression,
				returnByValue: true,
				awaitPromise: true,
			},
		);
		if (result.exceptionDetails)
			throw new Error(`page script failed: ${result.exceptionDetails.text}`);
		return result.result.value as T;
	}

	/** Polls `expression` in the page until it is truthy. */
	async waitFor<T = unknown>(what: string, expression: string, timeoutMs = 30_000): Promise<T> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			try {
				const value = await this.evaluate<T>(expression);
				if (value) return value;
			} catch {
				// page navigating
			}
			if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
			await sleep(250);
		}
	}

	async navigate(url: string): Promise<void> {
		await this.send('Page.navigate', { url });
		await this.waitFor(
			`${url} to load`,
			`document.readyState === 'complete' && location.href.startsWith(${JSON.stringify(url.split('#')[0])})`,
		);
	}

	async screenshot(file: string): Promise<void> {
		const { data } = await this.send<{ data: string }>('Page.captureScreenshot', {
			format: 'png',
			captureBeyondViewport: false,
		});
		mkdirSync(path.dirname(file), { recursive: true });
		writeFileSync(file, Buffer.from(data, 'base64'));
	}

	/** Types text into the focused element, as a keyboard would. */
	async type(text: string): Promise<void> {
		await this.send('Input.insertText', { text });
	}

	async click(x: number, y: number, clickCount = 1): Promise<void> {
		for (let count = 1; count <= clickCount; count++) {
			await this.send('Input.dispatchMouseEvent', {
				type: 'mousePressed',
				x,
				y,
				button: 'left',
				clickCount: count,
			});
			await this.send('Input.dispatchMouseEvent', {
				type: 'mouseReleased',
				x,
				y,
				button: 'left',
				clickCount: count,
			});
		}
	}

	/** Center of the first element matching `selector` (after scrolling it into view). */
	async centerOf(selector: string): Promise<{ x: number; y: number }> {
		return await this.waitFor(
			selector,
			`(() => {
				const el = document.querySelector(${JSON.stringify(selector)});
				if (!el) return null;
				el.scrollIntoView({ block: 'center', inline: 'center' });
				const r = el.getBoundingClientRect();
				return r.width && r.height ? { x: r.x + r.width / 2, y: r.y + r.height / 2 } : null;
			})()`,
		);
	}

	/** Presses the left button at `from`, moves to `to` in steps (the editor's resizers follow mousemove), releases. */
	async drag(
		from: { x: number; y: number },
		to: { x: number; y: number },
		steps = 5,
	): Promise<void> {
		await this.send('Input.dispatchMouseEvent', { type: 'mouseMoved', x: from.x, y: from.y });
		await this.send('Input.dispatchMouseEvent', {
			type: 'mousePressed',
			x: from.x,
			y: from.y,
			button: 'left',
			clickCount: 1,
		});
		for (let step = 1; step <= steps; step++) {
			const x = from.x + ((to.x - from.x) * step) / steps;
			const y = from.y + ((to.y - from.y) * step) / steps;
			await this.send('Input.dispatchMouseEvent', {
				type: 'mouseMoved',
				x,
				y,
				button: 'left',
				buttons: 1,
			});
		}
		await this.send('Input.dispatchMouseEvent', {
			type: 'mouseReleased',
			x: to.x,
			y: to.y,
			button: 'left',
			clickCount: 1,
		});
	}

	/** Removes what would cover the picture: toasts, the focus ring, hover tooltips. */
	async tidy(): Promise<void> {
		// Toasts ("Node executed successfully") would cover the output.
		await this.evaluate(
			`document.querySelectorAll('.el-notification').forEach((toast) => toast.remove())`,
		);
		await this.evaluate(
			`document.activeElement && document.activeElement.blur && document.activeElement.blur()`,
		);
		await this.send('Input.dispatchMouseEvent', { type: 'mouseMoved', x: 5, y: HEIGHT - 5 });
		await sleep(500);
	}

	close(): void {
		this.socket.close();
	}
}

// ---------------------------------------------------------------------------

async function takeScreenshot(sandbox: Sandbox, chromium: string): Promise<void> {
	const browser = await launchChromium(chromium);
	let cdp: Cdp | undefined;
	let step = 0;
	const debugShot = async (name: string) => {
		if (DEBUG && cdp)
			await cdp.screenshot(path.join(tmpdir(), `ym-screenshot-${++step}-${name}.png`));
	};
	try {
		const targets = (await (
			await fetch(`http://127.0.0.1:${browser.port}/json/list`)
		).json()) as Array<{
			type: string;
			webSocketDebuggerUrl: string;
		}>;
		const page = targets.find((t) => t.type === 'page');
		if (!page) throw new Error('chromium has no page open');
		cdp = await Cdp.connect(page.webSocketDebuggerUrl);
		await cdp.send('Page.enable');
		await cdp.send('Runtime.enable');
		await cdp.send('Emulation.setDeviceMetricsOverride', {
			width: WIDTH,
			height: HEIGHT,
			deviceScaleFactor: 1,
			mobile: false,
		});

		// Sign in through the editor's own form (the session is tied to the browser).
		const base = sandbox.n8n.baseUrl;
		log(`signing in at ${base}/signin`);
		await cdp.navigate(`${base}/signin`);
		const email = await cdp.centerOf('input[type="email"], input[name="emailOrLdapLoginId"]');
		await cdp.click(email.x, email.y);
		await cdp.type(SANDBOX_OWNER.email);
		const password = await cdp.centerOf('input[type="password"]');
		await cdp.click(password.x, password.y);
		await cdp.type(SANDBOX_OWNER.password);
		await debugShot('signin');
		const submit = await cdp.centerOf('[data-test-id="form-submit-button"], button[type="submit"]');
		await cdp.click(submit.x, submit.y);
		await cdp.waitFor('the sign-in to finish', `!location.pathname.startsWith('/signin')`);

		// Open the workflow, then the node's parameter panel.
		const workflow = loadWorkflow(WORKFLOW);
		log(`opening workflow "${workflow.name}"`);
		await cdp.navigate(`${base}/workflow/${workflow.id}`);
		const nodeSelector = `[data-test-id="canvas-node"][data-node-name=${JSON.stringify(NODE_NAME)}]`;
		await cdp.waitFor(
			'the canvas',
			`document.querySelectorAll('[data-test-id="canvas-node"]').length > 0`,
		);
		await sleep(1500);
		await cdp.screenshot(WORKFLOW_OUTPUT);
		log(`saved ${path.relative(REPO_ROOT, WORKFLOW_OUTPUT)}`);
		const node = await cdp.centerOf(nodeSelector);
		log(`opening node "${NODE_NAME}"`);
		await cdp.click(node.x, node.y, 2);
		await cdp.waitFor(
			'the node parameter panel',
			`!!document.querySelector('[data-test-id="ndv"] [data-test-id="node-parameters"], [data-test-id="node-parameters"]')`,
		);
		// The panel animates in and loads the credential and resource locators.
		await cdp.waitFor(
			'the parameters to render',
			`document.querySelectorAll('[data-test-id="node-parameters"] [data-test-id^="parameter-input-"]').length >= 3`,
		);
		await sleep(1500);
		await debugShot('ndv');
		// Run the node once, so the output panel shows what it returns.
		const execute = await cdp.centerOf('[data-test-id="node-execute-button"]');
		await cdp.click(execute.x, execute.y);
		try {
			const count = await cdp.waitFor<string>(
				"the node's output",
				`(() => {
					const panel = document.querySelector('[data-test-id="output-panel"]');
					const count = panel && panel.querySelector('[data-test-id="ndv-items-count"]');
					return panel && panel.querySelector('table') && count ? count.textContent.trim() : '';
				})()`,
			);
			log(`the node ran in the editor: ${count}`);
		} catch {
			log('warning: the node showed no output after "Execute step"; saving the parameters anyway');
		}
		await sleep(1500);
		await cdp.tidy();
		await cdp.screenshot(OUTPUT);
		log(`saved ${path.relative(REPO_ROOT, OUTPUT)} (${WIDTH}×${HEIGHT})`);

		await screenshotTrigger(cdp, base, debugShot);
	} catch (error) {
		if (cdp) {
			const failure = path.join(tmpdir(), 'ym-screenshot-failure.png');
			await cdp.screenshot(failure).catch(() => undefined);
			log(`the page at the failure: ${failure}`);
		}
		throw error;
	} finally {
		cdp?.close();
		browser.process.kill('SIGKILL');
		await new Promise((resolve) =>
			browser.process.exitCode !== null ? resolve(null) : browser.process.once('exit', resolve),
		);
		rmSync(browser.profile, { recursive: true, force: true });
	}
}

/**
 * The trigger's panel with "Webhook URLs" open on Production URL: the address to
 * paste into the seller cabinet, the notice under it, then Events and Options.
 * The URL is checked to be `<n8n>/webhook/<webhookId>` (no /notification).
 */
async function screenshotTrigger(
	cdp: Cdp,
	base: string,
	debugShot: (name: string) => Promise<void>,
): Promise<void> {
	const workflow = loadWorkflow(TRIGGER_WORKFLOW) as ReturnType<typeof loadWorkflow> & {
		nodes: Array<{ name: string; type: string; webhookId?: string }>;
	};
	const trigger = workflow.nodes.find((node) => node.type === TRIGGER_TYPE);
	if (!trigger?.webhookId)
		throw new Error(`${TRIGGER_WORKFLOW}.json has no ${TRIGGER_TYPE} node with a webhookId`);
	const productionUrl = `${base}/webhook/${trigger.webhookId}`;

	log(`opening workflow "${workflow.name}"`);
	await cdp.navigate(`${base}/workflow/${workflow.id}`);
	await cdp.waitFor(
		'the canvas',
		`document.querySelectorAll('[data-test-id="canvas-node"]').length > 0`,
	);
	await sleep(1000);
	const node = await cdp.centerOf(
		`[data-test-id="canvas-node"][data-node-name=${JSON.stringify(trigger.name)}]`,
	);
	log(`opening trigger "${trigger.name}"`);
	await cdp.click(node.x, node.y, 2);
	await cdp.waitFor(
		"the trigger's parameters to render",
		`!!document.querySelector('[data-test-id="node-parameters"] [data-test-id="parameter-input-events"]') &&
			!!document.querySelector('[data-test-id="node-parameters"] [data-test-id="node-credentials-select"]')`,
	);
	await sleep(1000);
	await debugShot('trigger-ndv');

	// The section starts collapsed; its headline (no test id in n8n 2.41) toggles it.
	const headline = await cdp.centerOf('[data-test-id="node-parameters"] .webhooks .headline');
	await cdp.click(headline.x, headline.y);
	const production = await cdp.centerOf('[data-test-id="radio-button-production"]');
	await cdp.click(production.x, production.y);
	const shown = await cdp.waitFor<string>(
		'the Production URL',
		`(() => {
			const selected = document.querySelector('[data-test-id="radio-button-production"][aria-checked="true"]');
			const url = document.querySelector('[data-test-id="node-parameters"] .webhooks .webhook-url');
			return selected && url ? url.textContent.trim() : '';
		})()`,
	);
	if (shown !== productionUrl)
		throw new Error(`the editor shows ${shown} as Production URL, expected ${productionUrl}`);
	log(`Production URL: ${shown}`);
	await debugShot('trigger-webhooks');

	// At the default width the URL wraps in the middle of the id; widening the
	// parameter panel by dragging its right edge keeps it on one line.
	const edge = await cdp.evaluate<{ x: number; y: number } | null>(
		`(() => {
			const handles = [...document.querySelectorAll('[data-test-id="ndv"] [data-test-id="resize-handle"]')]
				.map((handle) => handle.getBoundingClientRect())
				.filter((r) => r.width && r.height);
			const right = handles.sort((a, b) => b.x - a.x)[0];
			return right ? { x: right.x + right.width / 2, y: right.y + right.height / 2 } : null;
		})()`,
	);
	if (edge) {
		await cdp.drag(edge, { x: edge.x + TRIGGER_PANEL_WIDEN, y: edge.y });
		await sleep(500);
	}
	const lines = await cdp.evaluate<number>(
		`(() => {
			const url = document.querySelector('[data-test-id="node-parameters"] .webhooks .webhook-url');
			const range = document.createRange();
			range.selectNodeContents(url);
			return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
		})()`,
	);
	if (lines > 1) log(`note: the Production URL wraps onto ${lines} lines in the picture`);

	await cdp.tidy();
	await cdp.screenshot(TRIGGER_OUTPUT);
	log(`saved ${path.relative(REPO_ROOT, TRIGGER_OUTPUT)} (${WIDTH}×${HEIGHT})`);
}

async function main(): Promise<void> {
	if (typeof WebSocket === 'undefined') {
		// Node < 22 has no built-in WebSocket: run again on the node n8n uses (Node 24).
		const runtime = ensureN8n();
		log(`this node (${process.version}) has no WebSocket; running again on ${runtime.node}`);
		const tsxCli = require.resolve('tsx/cli');
		const result = spawnSync(runtime.node, [tsxCli, __filename], { stdio: 'inherit' });
		process.exit(result.status ?? 1);
	}
	const chromium = ensureChromium();
	const sandbox = await startSandbox({ onProgress: log, workflows: 'e2e' });
	try {
		await takeScreenshot(sandbox, chromium);
	} finally {
		await sandbox.stop();
	}
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		process.stderr.write(
			`npm run screenshot failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
		);
		process.exit(1);
	},
);
