/**
 * The staff's read side of the reports table: every list is one DynamoDB Query on a secondary
 * index (never a Scan), newest first, paged; the other filters are FilterExpressions on that Query.
 * The read capacity each call consumed is counted, so staff and the benchmark can see the cost.
 */
import { GetCommand, paginateQuery, type DynamoDBDocumentClient, type QueryCommandInput, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { callSenderKey, callStatusKey, reportKey, senderOf, type ReportRecord } from '#core/record.ts';
import type { ActionLine, Status } from '#core/types.ts';
import { INDEXES } from './table-schema.ts';

export interface ReportQuery {
  readonly callId: string;
  readonly status?: Status;
  readonly actionLine?: ActionLine;
  /** ISO 3166-1 alpha-2. */
  readonly country?: string;
  /** A sender address (any case). */
  readonly sender?: string;
  /** Inclusive bounds on the receipt time, ISO-8601 UTC as stored (`2025-09-15T10:00:00.000Z`). */
  readonly since?: string;
  readonly until?: string;
  /**
   * Superseded reports too. By default only each sender's current report is listed; ignored
   * messages (bounces, auto-replies…) are never linked to a sender and are listed only when asked
   * for with `status: 'ignored'`.
   */
  readonly includeSuperseded?: boolean;
  /** At most this many reports. */
  readonly limit?: number;
}

/** What the reads so far have cost. */
export interface ReadCost {
  /** Read capacity units DynamoDB reported (ReturnConsumedCapacity TOTAL). */
  capacityUnits: number;
  requests: number;
  /** Items DynamoDB read, before the filters. */
  itemsRead: number;
}

export interface ReportQueriesOptions {
  /** Items per Query request (DynamoDB's Limit); default: as many as fit in 1 MB. */
  readonly pageSize?: number;
}

export class ReportQueries {
  readonly cost: ReadCost = { capacityUnits: 0, requests: 0, itemsRead: 0 };

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: ReportQueriesOptions = {},
  ) {}

  /** The matching reports, newest first, read page by page as the caller consumes them. */
  async *list(query: ReportQuery): AsyncGenerator<ReportRecord> {
    const input = queryInput(this.tableName, query);
    // Without a filter every item read is returned, so a small limit can cap the read itself.
    const pageSize = this.options.pageSize ?? (input.FilterExpression === undefined ? query.limit : undefined);
    let remaining = query.limit ?? Infinity;
    for await (const page of this.pages(input, pageSize)) {
      for (const item of page.Items ?? []) {
        yield item as ReportRecord;
        remaining -= 1;
        if (remaining <= 0) return;
      }
    }
  }

  /** How many reports match (DynamoDB counts them; the items are read but not sent). */
  async count(query: Omit<ReportQuery, 'limit'>): Promise<number> {
    let total = 0;
    for await (const page of this.pages({ ...queryInput(this.tableName, query), Select: 'COUNT' })) total += page.Count ?? 0;
    return total;
  }

  /** The report with this id, or null. */
  async get(id: string): Promise<ReportRecord | null> {
    const result = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: reportKey(id), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }),
    );
    this.addCost(result.ConsumedCapacity, result.Item ? 1 : 0);
    return (result.Item as ReportRecord | undefined) ?? null;
  }

  /**
   * The ids of the call's reports that start with `prefix` (staff type the shortened id a list
   * shows). A Query over the whole call, so `get` with the full id comes first.
   */
  async idsStartingWith(callId: string, prefix: string, max = 2): Promise<string[]> {
    const ids: string[] = [];
    const input: QueryCommandInput = {
      TableName: this.tableName,
      IndexName: INDEXES.byCall.name,
      KeyConditionExpression: '#call = :call',
      FilterExpression: 'begins_with(#id, :prefix)',
      ProjectionExpression: '#id',
      ExpressionAttributeNames: { '#call': INDEXES.byCall.partitionKey, '#id': 'id' },
      ExpressionAttributeValues: { ':call': callId, ':prefix': prefix },
      ReturnConsumedCapacity: 'TOTAL',
    };
    for await (const page of this.pages(input)) {
      for (const item of page.Items ?? []) ids.push(String(item.id));
      if (ids.length >= max) break;
    }
    return ids.slice(0, max);
  }

  /** The Query's pages, each one's cost counted. */
  private async *pages(input: QueryCommandInput, pageSize = this.options.pageSize): AsyncGenerator<QueryCommandOutput> {
    for await (const page of paginateQuery({ client: this.doc, ...(pageSize ? { pageSize } : {}) }, input)) {
      this.addCost(page.ConsumedCapacity, page.ScannedCount ?? 0);
      yield page;
    }
  }

  private addCost(consumed: ConsumedCapacity | undefined, itemsRead: number): void {
    this.cost.capacityUnits += consumed?.CapacityUnits ?? 0;
    this.cost.requests += 1;
    this.cost.itemsRead += itemsRead;
  }
}

/** The index, key condition and filters that answer `query`. */
function queryInput(tableName: string, query: ReportQuery): QueryCommandInput {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const filters: string[] = [];
  const onlyCurrent = !query.includeSuperseded && query.status !== 'ignored';

  let index: (typeof INDEXES)[keyof typeof INDEXES];
  let partition: string;
  if (query.sender !== undefined) {
    index = INDEXES.bySender;
    partition = callSenderKey(query.callId, senderOf({ from: query.sender }));
    if (query.status) {
      filters.push('#status = :status');
      names['#status'] = 'status';
      values[':status'] = query.status;
    }
  } else if (query.status) {
    index = INDEXES.byStatus;
    partition = callStatusKey(query.callId, query.status);
  } else if (onlyCurrent) {
    // Sparse: holds only the current report of each sender, so nothing superseded is even read.
    index = INDEXES.currentByCall;
    partition = query.callId;
  } else {
    index = INDEXES.byCall;
    partition = query.callId;
    filters.push('#status <> :ignored');
    names['#status'] = 'status';
    values[':ignored'] = 'ignored';
  }
  if (onlyCurrent && index !== INDEXES.currentByCall) {
    filters.push('attribute_exists(#current)');
    names['#current'] = INDEXES.currentByCall.partitionKey;
  }

  names['#pk'] = index.partitionKey;
  values[':pk'] = partition;
  if (query.since !== undefined || query.until !== undefined) names['#at'] = index.sortKey;
  let keyCondition = '#pk = :pk';
  if (query.since !== undefined && query.until !== undefined) {
    keyCondition += ' AND #at BETWEEN :since AND :until';
    values[':since'] = query.since;
    values[':until'] = query.until;
  } else if (query.since !== undefined) {
    keyCondition += ' AND #at >= :since';
    values[':since'] = query.since;
  } else if (query.until !== undefined) {
    keyCondition += ' AND #at <= :until';
    values[':until'] = query.until;
  }

  if (query.actionLine) {
    filters.push('contains(#actionLines, :actionLine)');
    names['#actionLines'] = 'actionLines';
    values[':actionLine'] = query.actionLine;
  }
  if (query.country) {
    filters.push('#country = :country');
    names['#country'] = 'country';
    values[':country'] = query.country.toUpperCase();
  }

  return {
    TableName: tableName,
    IndexName: index.name,
    KeyConditionExpression: keyCondition,
    ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ScanIndexForward: false,
    ReturnConsumedCapacity: 'TOTAL',
  };
}
