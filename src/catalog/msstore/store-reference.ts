import { LEGACY_STORE_ID, MODERN_STORE_ID } from './classify.js';

const ID_IN_TEXT = /(?:^|[/=?&])(9[0-9A-Z]{11}|XP[0-9A-Z]{12})(?=$|[/?&#])/i;

/**
 * The Store product ID in what an admin pasted: a bare ID (any case) or a Store link such as
 * https://apps.microsoft.com/detail/9wzdncrfj3pz?hl=en-us&gl=US,
 * https://apps.microsoft.com/store/detail/company-portal/9WZDNCRFJ3PZ,
 * https://www.microsoft.com/store/productId/9WZDNCRFJ3PZ or
 * ms-windows-store://pdp/?ProductId=9WZDNCRFJ3PZ. Undefined when there is none.
 */
export function parseStoreReference(input: string): string | undefined {
  const text = input.trim();
  const bare = text.toUpperCase();
  if (MODERN_STORE_ID.test(bare) || LEGACY_STORE_ID.test(bare)) return bare;
  if (!/^(https?:\/\/|ms-windows-store:)/i.test(text)) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const productId = url.searchParams.get('ProductId') ?? url.searchParams.get('productid');
  if (productId) return parseStoreReference(productId);
  const match = ID_IN_TEXT.exec(url.pathname);
  return match?.[1]?.toUpperCase();
}
