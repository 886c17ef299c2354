-- 管理员 may do everything. The old site's grants left the administrator
-- without POST and PUT on /api/houseinfos/ (privileges 11 and 12 of the demo
-- data), so an administrator could neither publish nor edit a listing, nor
-- upload a listing's photo (POST /api/photos/ asks for POST on
-- /api/houseinfos/).
--
-- A privilege's url is a prefix of the paths it allows (shared/auth/auth.h),
-- so one row per method on /api/ covers every route there is and every
-- route to come; HEAD counts as GET and PATCH as PUT, and OPTIONS needs no
-- privilege. Every role named 管理员 gets the four; nothing else changes
-- (no role loses a privilege, no other role gains one).
--
-- Re-runnable: each row is added only when missing. On a database without
-- a 管理员 role (a production one that started empty) it adds the four
-- privileges and grants them to no one. A running site sees the grant once
-- the cached privileges expire (privileges.cache_ttl_s, 60 s).

SET NAMES utf8mb4;

INSERT INTO tb_privilege (url, method, detail)
  SELECT '/api/', m.method, '管理员: every route'
    FROM (SELECT 'GET' AS method UNION ALL SELECT 'POST' UNION ALL SELECT 'PUT' UNION ALL SELECT 'DELETE') AS m
   WHERE NOT EXISTS (SELECT 1 FROM tb_privilege p WHERE p.url = '/api/' AND p.method = m.method);

INSERT INTO tb_role_privilege (roleid, privid)
  SELECT r.roleid, p.privid
    FROM tb_role r JOIN tb_privilege p ON p.url = '/api/' AND p.method IN ('GET', 'POST', 'PUT', 'DELETE')
   WHERE r.rolename = '管理员'
     AND NOT EXISTS (SELECT 1 FROM tb_role_privilege rp WHERE rp.roleid = r.roleid AND rp.privid = p.privid);
