// Requests the pages make to the gateway that served them: JSON in and out, errors as values.

/** {status, body} of a request; a network failure is status 0 with its message. */
export async function request(method, path, { token, body } = {}) {
  const headers = {};
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  if (token) {
    headers.Authorization = `Bearer ${token}`;
  }
  try {
    const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, body: await r.json().catch(() => ({})) };
  } catch (err) {
    return { status: 0, body: { code: 'UNREACHABLE', message: String(err) } };
  }
}

/** A refusal as a line a person reads: "409 NOT_STANDBY: ...". */
export function describe(answer) {
  return `${answer.status || ''} ${answer.body.code ?? ''}: ${answer.body.message ?? ''}`.trim();
}
