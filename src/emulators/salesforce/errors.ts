/**
 * Salesforce's two error shapes. A request Salesforce refuses as a whole answers a non-2xx status with a JSON
 * array of `{ message, errorCode, fields? }` (REST API Developer Guide, "Status Codes and Error Responses"); a
 * record that fails inside a call that otherwise worked carries `{ statusCode, message, fields }` in its
 * SaveResult (sObject Collections pages). The same problem has the same code in both.
 */

export interface RecordError {
  statusCode: string;
  message: string;
  fields: string[];
  /** Only on DUPLICATES_DETECTED: the DuplicateResult naming the matched records (SOAP API "DuplicateError"). */
  duplicateResult?: unknown;
}

export interface RestErrorBody {
  message: string;
  errorCode: string;
  fields?: string[];
  duplicateResult?: unknown;
}

/** A whole request refused: the REST layer renders it as `status` and the array body. */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly fields?: string[],
  ) {
    super(message);
    this.name = 'RequestError';
  }

  get body(): RestErrorBody[] {
    return [{ message: this.message, errorCode: this.errorCode, ...(this.fields ? { fields: this.fields } : {}) }];
  }
}

/** One record refused; collections report it in the record's slot, single-record routes as a 400 (or 404). */
export class RecordFailure extends Error {
  constructor(readonly errors: RecordError[]) {
    super(errors.map((error) => `${error.statusCode}: ${error.message}`).join('; '));
    this.name = 'RecordFailure';
  }

  static of(statusCode: string, message: string, fields: string[] = []): RecordFailure {
    return new RecordFailure([{ statusCode, message, fields }]);
  }

  /** The single-record REST rendering: statusCode becomes errorCode. */
  get body(): RestErrorBody[] {
    return this.errors.map(({ statusCode, message, fields, duplicateResult }) => ({
      ...(duplicateResult ? { duplicateResult } : {}),
      message,
      errorCode: statusCode,
      fields,
    }));
  }

  /** Records Salesforce cannot find answer 404 on the single-record routes; everything else is a 400. */
  get httpStatus(): number {
    const code = this.errors[0]?.statusCode;
    return code === 'NOT_FOUND' || code === 'ENTITY_IS_DELETED' ? 404 : 400;
  }
}

export const messages = {
  sessionInvalid: 'Session expired or invalid',
  notFound: 'The requested resource does not exist',
  entityDeleted: 'entity is deleted',
  rolledBack: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  totalRequestsExceeded: 'TotalRequests Limit exceeded.',
  recordLimit: 'record limit reached. cannot submit more than 200 records into this call',
};
