/**
 * The simulator's settings for what Market's spec leaves open, and the environment variables
 * that set their defaults for a whole run (`npm test`, `npm run simulator`, the e2e suites).
 */
import {
	ANSWER_COMMENT_CAPS,
	FEEDBACK_DATE_FILTERS,
	FEEDBACK_ORDERS,
	MODERATION_DELAYS,
	NEED_ANSWER_RULES,
	OWN_NOTIFICATIONS,
	QUESTION_IDS_WINDOWS,
	QUESTION_ORDERS,
	QUESTION_SORTS,
	type GoodsSettings,
} from './goodsTypes';
import { SUBSCRIPTION_TIERS, type SubscriptionTier } from './types';

/** The value of environment variable `name`, one of `values`; `fallback` when unset. */
export function settingFromEnv<T extends string>(
	name: string,
	values: readonly T[],
	fallback: T,
): T {
	const wanted = process.env[name];
	if (!wanted) return fallback;
	if (!(values as readonly string[]).includes(wanted))
		throw new Error(`${name} must be one of ${values.join(', ')}, got '${wanted}'`);
	return wanted as T;
}

/** Each setting: its environment variable, its values and its default. */
export const GOODS_SETTINGS: {
	[K in keyof GoodsSettings]: {
		env: string;
		values: readonly GoodsSettings[K][];
		fallback: GoodsSettings[K];
	};
} = {
	feedbackOrder: {
		env: 'YM_SIM_FEEDBACK_ORDER',
		values: FEEDBACK_ORDERS,
		fallback: 'publishedDesc',
	},
	feedbackCommentOrder: {
		env: 'YM_SIM_FEEDBACK_COMMENT_ORDER',
		values: FEEDBACK_ORDERS,
		fallback: 'publishedAsc',
	},
	feedbackDateFilter: {
		env: 'YM_SIM_FEEDBACK_DATE',
		values: FEEDBACK_DATE_FILTERS,
		fallback: 'published',
	},
	questionOrder: { env: 'YM_SIM_QUESTION_ORDER', values: QUESTION_ORDERS, fallback: 'createdDesc' },
	answerOrder: { env: 'YM_SIM_ANSWER_ORDER', values: QUESTION_ORDERS, fallback: 'createdAsc' },
	questionNeedAnswer: {
		env: 'YM_SIM_QUESTION_NEED_ANSWER',
		values: NEED_ANSWER_RULES,
		fallback: 'noStoreAnswer',
	},
	questionIdsWindow: {
		env: 'YM_SIM_QUESTION_IDS_WINDOW',
		values: QUESTION_IDS_WINDOWS,
		fallback: 'bypass',
	},
	answerCommentCap: {
		env: 'YM_SIM_ANSWER_COMMENT_CAP',
		values: ANSWER_COMMENT_CAPS,
		fallback: 'refuse',
	},
	ownNotifications: {
		env: 'YM_SIM_OWN_NOTIFICATIONS',
		values: OWN_NOTIFICATIONS,
		fallback: 'notified',
	},
	questionSort: { env: 'YM_SIM_QUESTION_SORT', values: QUESTION_SORTS, fallback: 'honored' },
	moderationDelay: { env: 'YM_SIM_MODERATION', values: MODERATION_DELAYS, fallback: 'none' },
};

/** The defaults whatever the environment says (tests that describe them set these). */
export const DEFAULT_GOODS_SETTINGS = Object.fromEntries(
	Object.entries(GOODS_SETTINGS).map(([k, s]) => [k, s.fallback]),
) as unknown as GoodsSettings;

/** The settings a simulator starts with: its options, else the environment, else the defaults. */
export function initialGoodsSettings(opts: Partial<GoodsSettings>): GoodsSettings {
	const out: Record<string, string> = {};
	for (const [k, s] of Object.entries(GOODS_SETTINGS) as [
		string,
		{ env: string; values: readonly string[]; fallback: string },
	][])
		out[k] = opts[k as keyof GoodsSettings] ?? settingFromEnv(s.env, s.values, s.fallback);
	return out as unknown as GoodsSettings;
}

export function subscriptionTierFromEnv(): SubscriptionTier {
	return settingFromEnv('YM_SIM_SUBSCRIPTION_TIER', SUBSCRIPTION_TIERS, 'none');
}
