export { redact, displayUrl } from './redact.js';
export { checkUrl, checkHeaders, httpTarget, type HttpTarget, type HttpTargetOptions } from './target.js';
export { request, type RequestOptions, type HttpResponse } from './request.js';
export { HttpRequestError } from './http-error.js';
export { readBodyPrefix, BODY_PREFIX_BYTES, type BodyPrefix } from './body-prefix.js';
