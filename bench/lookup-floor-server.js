/**
 * The floor of the public lookup (bench/README.md, `lookup floor`): node:http and a mysql2 pool,
 * nothing else. It answers GET /api/v1/public/dossiers/:code with the same SELECT the app sends
 * (dossier joined to its receiving unit, by code) as JSON, with no framework, headers, logging, rate
 * limit or validation. Run as its own process, like the app's server, so it has a core to itself
 * apart from the load generator. argv: port, mysql URL, pool size.
 */
const http = require('node:http');
const mysql = require('mysql2');

const [port, url, poolSize] = process.argv.slice(2);
const u = new URL(url);
const pool = mysql.createPool({
  host: u.hostname,
  port: Number(u.port || 3306),
  user: decodeURIComponent(u.username),
  password: decodeURIComponent(u.password),
  database: decodeURIComponent(u.pathname.slice(1)),
  charset: 'utf8mb4',
  connectionLimit: Number(poolSize),
});
const SQL =
  'SELECT d.id, d.code, d.procedure_name, u.name AS unit_name, d.status, d.received_at, d.due_at, d.completed_at, d.applicant_name' +
  ' FROM dossiers d JOIN units u ON u.id = d.receiving_unit_id WHERE d.code = ? LIMIT 1';

http
  .createServer((req, res) => {
    const code = decodeURIComponent((req.url ?? '').split('?')[0].split('/').pop() ?? '');
    pool.query(SQL, [code], (err, rows) => {
      if (err) {
        res.statusCode = 500;
        return res.end(String(err.message));
      }
      if (!rows[0]) res.statusCode = 404;
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end(JSON.stringify(rows[0] ?? { error: 'not found' }));
    });
  })
  .listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => pool.end(() => process.exit(0)));
