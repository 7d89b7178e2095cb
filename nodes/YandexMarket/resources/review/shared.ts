/** What the Review operations share: the review's ID, the reply text and Market's rule for it. */
import type { IDataObject, INode, INodeProperties } from 'n8n-workflow';
import { checkText, invalidParameter } from '../../shared/validate';
import { LIMITS } from '../../shared/constants';

export const feedbackIdField = (operations: string[]): INodeProperties => ({
	displayName: 'Review ID',
	name: 'feedbackId',
	type: 'string',
	default: '',
	placeholder: 'e.g. 123456789',
	description: "The review's ID (feedbackId), e.g. mapped from the trigger's item",
	displayOptions: { show: { resource: ['review'], operation: operations } },
});

// Market's hosts: a reply may link to them, and to nothing else.
const MARKET_HOST = /^(?:[\w-]+\.)*market\.yandex\.[a-z]{2,3}$/i;
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/u;
const PHONE = /(?:\+7|(?<!\d)8)[\s-]?\(?\d{3}\)?[\s-]?\d{3}[\s-]?\d{2}[\s-]?\d{2}(?!\d)/u;
// A link: with a scheme or www; a host with a path (t.me/shop), whatever its ending; or a bare
// host on an ending seen in sellers' contacts. Bare "word.word" is not taken for a host
// otherwise, so that a missing space after a full stop is not refused.
const COMMON_ENDINGS =
	'ru|com|net|org|su|рф|shop|store|online|site|website|space|info|biz|pro|by|kz|uz|ua|me|io|co|cc|ly|ws|im|to|am|ge|eu|de|uk|us|ai|gg|app|dev|tech|xyz|top|club|link|page|tv|moscow|spb';
const LINK = new RegExp(
	[
		`(?:https?:\\/\\/|www\\.)[^\\s<>"']+`,
		`(?<![\\p{L}\\p{N}@.-])(?:[\\p{L}\\p{N}-]+\\.)+[a-z]{2,24}\\/[^\\s<>"']*`,
		`(?<![\\p{L}\\p{N}@.-])(?:[\\p{L}\\p{N}-]+\\.)+(?:${COMMON_ENDINGS})(?![\\p{L}\\p{N}-])`,
	].join('|'),
	'giu',
);

/**
 * A reply's text as Market takes it (GoodsFeedbackCommentText): 1–4096 characters, without the
 * store's contacts or links to sites other than Market. Refused before anything is sent.
 */
export function checkReplyText(node: INode, itemIndex: number, value: unknown): string {
	const text = checkText(node, itemIndex, value, {
		label: 'Reply text',
		displayName: 'Text',
		field: 'text',
		min: 1,
		max: LIMITS.replyMaxChars,
	});
	const refuse = (what: string) =>
		invalidParameter(
			node,
			itemIndex,
			`Reply text (text) contains ${what}; Yandex Market does not publish replies with the store's contacts or links other than to Market`,
			'Remove it from the text, or link to your store on Market instead.',
		);
	const email = EMAIL.exec(text);
	if (email) throw refuse(`an e-mail address (${email[0]})`);
	const phone = PHONE.exec(text);
	if (phone) throw refuse(`a phone number (${phone[0]})`);
	for (const [link] of text.matchAll(LINK)) {
		const host = link
			.replace(/^https?:\/\//i, '')
			.split(/[/?#:]/)[0]
			.replace(/^www\./i, '')
			.replace(/[.,;!)]+$/, '');
		if (!MARKET_HOST.test(host)) throw refuse(`a link to ${host}`);
	}
	return text;
}

/** A review as the node outputs it: with the business it belongs to. */
export function reviewItem(review: IDataObject, businessId: number): IDataObject {
	return { ...review, businessId };
}

/** A review's texts (advantages, disadvantages, comment), those it has, one per line. */
export function reviewText(review: IDataObject): string {
	const description = (review.description as IDataObject | undefined) ?? {};
	return ['advantages', 'disadvantages', 'comment']
		.map((part) => description[part])
		.filter((part): part is string => typeof part === 'string' && part.trim() !== '')
		.join('\n');
}

/**
 * A new review as both triggers start a workflow with it: its ID, text, rating and author type
 * on top (a review is always a buyer's), the review itself below.
 */
export function reviewEvent(review: IDataObject, businessId: number): IDataObject {
	const statistics = (review.statistics as IDataObject | undefined) ?? {};
	return {
		feedbackId: review.feedbackId,
		text: reviewText(review),
		rating: statistics.rating,
		authorType: 'USER',
		review: reviewItem(review, businessId),
	};
}

/** A comment of Market's as the node outputs it: its IDs at the top. */
export function commentItem(
	comment: IDataObject,
	businessId: number,
	feedbackId?: IDataObject[string],
): IDataObject {
	return {
		...comment,
		businessId,
		feedbackId: comment.feedbackId ?? feedbackId,
		commentId: comment.id,
	};
}
