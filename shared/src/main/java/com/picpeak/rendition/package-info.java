/**
 * Rendition tiers: the sizes guests are shown (thumbnails at 300 and 600, previews at long edges 1280, 1920 and
 * 2560), each made lazily on its first request, once across instances (a catalog claim with a lease), and stored
 * as a cache keyed by photo id, tier and rendition version.
 *
 * <p>Owns {@link com.picpeak.rendition.Tier}, {@link com.picpeak.rendition.TierRenditions} and the claim rows
 * ({@code pk = RENDITION#slug#photoId}). May import {@code storage}, {@code media}, {@code catalog} and
 * {@code error}; must not import {@code gallery}, {@code protect}, {@code downloadall} or anything of {@code functions}
 * (access decisions are made by {@code protect} on top of the tiers).
 */
package com.picpeak.rendition;
