-- Photos that are safe once confirmed, and uploads that do not linger.
--
-- uploader, created: who uploaded a photo and when. A photo uploaded on its
-- own (POST /api/photos/, houseid NULL) is attached to a listing when its
-- uploader creates or updates a listing whose mainphoto names its file, or
-- posts the same file to the listing's photos; one still unattached after
-- media.unattached_ttl_s is deleted by the media sweeper
-- (shared/resource/media_sweep.h), and its file goes once no row names it.
-- Rows from before this migration have no uploader and count as uploaded
-- now (so they get a full TTL, not an instant sweep).
--
-- The indexes on path and mainphoto let the sweeper lock "the rows naming
-- this file" (a locking read takes a gap lock on the key when there are
-- none), which is what orders it with an upload inserting such a row; see
-- the proof in media_sweep.h. On a million listings the mainphoto index
-- takes as long as a table rebuild (about a minute, as 007's).
--
-- Re-runnable: each column and index is added only when missing.

ALTER TABLE tb_house_photo
  ADD COLUMN IF NOT EXISTS uploader INT NULL,
  ADD COLUMN IF NOT EXISTS created DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  ADD INDEX IF NOT EXISTS idx_house_photo_path (path),
  ADD INDEX IF NOT EXISTS idx_house_photo_unattached (houseid, created);

ALTER TABLE tb_house_info ADD INDEX IF NOT EXISTS idx_house_info_mainphoto (mainphoto);
