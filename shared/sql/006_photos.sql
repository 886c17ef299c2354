-- Photos uploaded on their own (POST /api/photos/) belong to no listing yet.
-- widens: houseid NOT NULL -> NULL; earlier releases always write a houseid, and read none that is NULL (no upload route before this one).
ALTER TABLE tb_house_photo MODIFY houseid INT NULL;
