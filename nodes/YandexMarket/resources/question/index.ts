import type { INodeProperties } from 'n8n-workflow';
import { questionAnswerOperation, questionCommentOperation } from './answer';
import { questionGetOperation } from './get';
import { questionGetAllDescription, questionGetAllOperation } from './getAll';
import { questionGetAnswersDescription, questionGetAnswersOperation } from './getAnswers';
import { answerIdField, questionIdField, skipIfAnsweredField } from './shared';
import { questionDeleteAnswerOperation, questionUpdateAnswerOperation } from './updateAnswer';

/** The IDs come before the node's shared Text field (shared/descriptions.ts), the rest after it. */
export const questionIdFields: INodeProperties[] = [
	questionIdField(['get', 'getAnswers', 'answer']),
	answerIdField(['updateAnswer', 'deleteAnswer', 'comment']),
];

export const questionDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['question'] } },
		options: [
			questionAnswerOperation,
			questionCommentOperation,
			questionDeleteAnswerOperation,
			questionGetOperation,
			questionGetAnswersOperation,
			questionGetAllOperation,
			questionUpdateAnswerOperation,
		],
		default: 'getAll',
	},
	skipIfAnsweredField(['answer'], "the question's answers"),
	skipIfAnsweredField(['comment'], 'the answer'),
	...questionGetAllDescription,
	...questionGetAnswersDescription,
];
