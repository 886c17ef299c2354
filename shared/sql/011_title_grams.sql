-- An index for the title filter (GET /api/houseinfos/?title=…, a substring
-- match, contract section 5), kept in InnoDB by triggers in the writing
-- transaction, so it is never ahead of or behind the rows (a rolled-back
-- title change rolls back its grams too).
--
-- Why: `title LIKE '%kw%'` can use no B-tree index, and MariaDB's FULLTEXT
-- has no parser for Chinese, so every title search read the rows of its
-- whole range: 0.6-1.3 s for a count over 1,000,000 listings.
--
-- What is kept: for every listing and every character position i of its
-- title, the gram SUBSTRING(title, i, 3): three characters, fewer at the
-- end of the title (the last two positions give a 2- and a 1-character
-- gram). One row per distinct gram and listing.
--
-- Why that answers exactly what LIKE answers: the title's collation
-- (utf8mb4_general_ci) compares character by character, one weight each,
-- so a title contains kw (LIKE '%kw%') if and only if at some position i
-- the characters from i on have kw's weights. The gram at i holds
-- min(3, the rest) characters, so for a kw of 1-3 characters the listings
-- holding a gram LIKE 'kw%' are exactly the listings whose title is LIKE
-- '%kw%'; for a longer kw they are a superset (candidates holding its first
-- and its last three characters), which the title's own LIKE then filters.
-- The gram column has the same weights as the title but NO PAD: under PAD
-- SPACE the key would take 'a ' and 'a' for one gram and keep one of them.
-- The listings group keeps the title's LIKE on the row as the final filter
-- whenever it reads the row: the grams only choose which rows to read.
-- (A change of the title's collation must change the gram column's alike.)
--
-- Cost: about CHAR_LENGTH(title) rows per listing (generated titles: ~17;
-- on 1,000,000 listings the table and its key hold them in about 700 MB);
-- a title write rewrites its grams (~20 rows), other writes touch nothing
-- here. Listing writes of different titles do not wait for each other: the
-- rows are the listing's own.
--
-- This file builds the grams of the listings already there after the
-- triggers exist: run it with listing writes stopped (as migrations are).
-- On 1,000,000 listings it took the time the README states.

CREATE TABLE IF NOT EXISTS tb_house_title_gram (
  gram     VARCHAR(3) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_nopad_ci NOT NULL,
  houseid  INT NOT NULL,
  PRIMARY KEY (gram, houseid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

DROP TRIGGER IF EXISTS tr_house_title_gram_insert;
DROP TRIGGER IF EXISTS tr_house_title_gram_update;
DROP TRIGGER IF EXISTS tr_house_title_gram_delete;

-- seq_1_to_255 (MariaDB's built-in sequence engine) numbers the positions:
-- more than the title's VARCHAR(50) can hold.
CREATE TRIGGER tr_house_title_gram_insert AFTER INSERT ON tb_house_info FOR EACH ROW
  INSERT IGNORE INTO tb_house_title_gram (gram, houseid)
  SELECT SUBSTRING(NEW.title, s.seq, 3), NEW.houseid FROM seq_1_to_255 s WHERE s.seq <= CHAR_LENGTH(NEW.title);

-- The old title's grams, found by key (gram, houseid): no index on houseid.
CREATE TRIGGER tr_house_title_gram_delete AFTER DELETE ON tb_house_info FOR EACH ROW
  DELETE g FROM seq_1_to_255 s JOIN tb_house_title_gram g
    ON g.gram = CONVERT(SUBSTRING(OLD.title, s.seq, 3) USING utf8mb4) COLLATE utf8mb4_general_nopad_ci
   AND g.houseid = OLD.houseid
  WHERE s.seq <= CHAR_LENGTH(OLD.title);

-- Only a title change (byte for byte: 'a' and 'A ' are two titles here)
-- rewrites the grams.
DELIMITER ;;
CREATE TRIGGER tr_house_title_gram_update AFTER UPDATE ON tb_house_info FOR EACH ROW
BEGIN
  IF NOT (CAST(NEW.title AS BINARY) <=> CAST(OLD.title AS BINARY)) OR NEW.houseid <> OLD.houseid THEN
    DELETE g FROM seq_1_to_255 s JOIN tb_house_title_gram g
      ON g.gram = CONVERT(SUBSTRING(OLD.title, s.seq, 3) USING utf8mb4) COLLATE utf8mb4_general_nopad_ci
     AND g.houseid = OLD.houseid
    WHERE s.seq <= CHAR_LENGTH(OLD.title);
    INSERT IGNORE INTO tb_house_title_gram (gram, houseid)
    SELECT SUBSTRING(NEW.title, s.seq, 3), NEW.houseid FROM seq_1_to_255 s WHERE s.seq <= CHAR_LENGTH(NEW.title);
  END IF;
END;;
DELIMITER ;

-- The listings already there (a re-run adds nothing twice).
INSERT IGNORE INTO tb_house_title_gram (gram, houseid)
SELECT SUBSTRING(h.title, s.seq, 3), h.houseid
FROM tb_house_info h JOIN seq_1_to_255 s ON s.seq <= CHAR_LENGTH(h.title);
