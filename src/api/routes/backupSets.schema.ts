// What a backup set's change may be, apart from the routes: openapi/responses.ts reads it, and
// importing the routes there would close an import cycle through authorize and routeTable.
export const CHANGE_KINDS = ['added', 'removed', 'modified', 'renamed', 'restored'] as const;
