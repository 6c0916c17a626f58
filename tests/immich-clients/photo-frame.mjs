// A photo-frame app written against the official Immich SDK (@immich/sdk), as a client author would: it is given the
// gateway's URL where it would have had Immich's, and a gateway client key where it would have had an Immich API key.
// It reads who it is, finds its album, pages through it, shows two thumbnails and an original, and tries one admin
// call. It prints one JSON object of what it got, for tests/ImmichGateway.Tests/Clients/OfficialSdkTests to check.
// Usage: node photo-frame.mjs <base url, e.g. http://127.0.0.1:5000/api> <key> <album name> <an album id it cannot read>
import { createHash } from 'node:crypto';
import {
  init, getMyUser, getAllAlbums, getAlbumInfo, searchAssets, viewAsset, downloadAsset, getServerStatistics, isHttpError,
} from '@immich/sdk';

const [baseUrl, apiKey, albumName, forbiddenAlbum] = process.argv.slice(2);
init({ baseUrl, apiKey });

const failure = (error) => (isHttpError(error) ? { status: error.status, message: error.data?.message } : { thrown: String(error) });
const attempt = (call) => call().then((value) => ({ value }), (error) => ({ error: failure(error) }));
const blob = async (b) => ({ type: b.type, size: b.size, sha256: createHash('sha256').update(Buffer.from(await b.arrayBuffer())).digest('hex') });

const result = {};
result.me = (await getMyUser()).email;
const albums = await getAllAlbums({});
result.albums = albums.map((a) => a.albumName);
const album = albums.find((a) => a.albumName === albumName);
result.assetCount = (await getAlbumInfo({ id: album.id })).assetCount;

const pages = [];
for (let page = 1; page; ) {
  const { assets } = await searchAssets({ metadataSearchDto: { albumIds: [album.id], page, size: 2 } });
  pages.push(assets.items.map((a) => a.id));
  page = assets.nextPage ? Number(assets.nextPage) : 0;
}
result.pages = pages;

const first = pages[0][0];
result.thumbnail = await blob(await viewAsset({ id: first, size: 'thumbnail' }));
result.thumbnailAgain = await blob(await viewAsset({ id: first, size: 'thumbnail' }));
result.preview = await blob(await viewAsset({ id: first, size: 'preview' }));
result.original = await blob(await downloadAsset({ id: first }));
result.forbiddenAlbum = (await attempt(() => getAlbumInfo({ id: forbiddenAlbum }))).error;
result.statistics = (await attempt(() => getServerStatistics())).error ?? 'served';
console.log(JSON.stringify(result));
