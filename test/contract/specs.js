// Where Market's official OpenAPI files are: one folder holding partner-api/ and
// notification-api/, by default ../shared/yandex-market-openapi beside this repository;
// YM_OPENAPI_ROOT points at another copy. Plain JS: the jest summary reporter reads it too.
const path = require('path');

const OPENAPI_ROOT = process.env.YM_OPENAPI_ROOT
	? path.resolve(process.env.YM_OPENAPI_ROOT)
	: path.resolve(__dirname, '../../../shared/yandex-market-openapi');

module.exports = {
	OPENAPI_ROOT,
	PARTNER_SPEC_DIR: path.join(OPENAPI_ROOT, 'partner-api', 'openapi'),
	NOTIFICATION_SPEC_DIR: path.join(OPENAPI_ROOT, 'notification-api', 'openapi'),
};
