// Reads every page of a DynamoDB Query: the one pagination loop the adapters share.
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';

/** Every page of `input` (ExclusiveStartKey followed to the end), in order. */
export async function queryPages(db: DynamoDBDocumentClient, input: Omit<QueryCommandInput, 'ExclusiveStartKey'>): Promise<QueryCommandOutput[]> {
  const pages: QueryCommandOutput[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await db.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    pages.push(res);
    start = res.LastEvaluatedKey;
  } while (start);
  return pages;
}
