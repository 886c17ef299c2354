-- The reports group (handlers/reports) is for staff: 管理员 and 经纪人 may
-- read /api/reports/ (workbooks, chart data, the stored monthly workbooks)
-- and /excel/ (the listings workbook at the old site's path). 管理员 already
-- holds GET on /api/ (009); /excel/ is outside it. /bar/ is public (the old
-- chart page reads it without a token) and needs no row.
--
-- Re-runnable: each row is added only when missing; a database without
-- these roles gets the privileges and grants them to no one.

SET NAMES utf8mb4;

INSERT INTO tb_privilege (url, method, detail)
  SELECT u.url, 'GET', u.detail
    FROM (SELECT '/api/reports/' AS url, '报表: workbooks, chart data, stored reports' AS detail
          UNION ALL SELECT '/excel/', '报表: the listings workbook at the old path') AS u
   WHERE NOT EXISTS (SELECT 1 FROM tb_privilege p WHERE p.url = u.url AND p.method = 'GET');

INSERT INTO tb_role_privilege (roleid, privid)
  SELECT r.roleid, p.privid
    FROM tb_role r JOIN tb_privilege p ON p.url IN ('/api/reports/', '/excel/') AND p.method = 'GET'
   WHERE r.rolename IN ('管理员', '经纪人')
     AND NOT EXISTS (SELECT 1 FROM tb_role_privilege rp WHERE rp.roleid = r.roleid AND rp.privid = p.privid);
