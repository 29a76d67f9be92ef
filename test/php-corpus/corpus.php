<?php
/**
 * The corpus of bad payloads: realistic PHP data (PDO-style rows, array_filter output, DateTime, floats,
 * empty arrays) encoded the way PHP code commonly encodes it, next to what a correct encoder sends.
 * Prints one JSON document: a list of cases, each with the exact bytes PHP produced (base64), the pitfall
 * code and JSON path the runtime must report, and the bytes of the correct encoding (null when no
 * lossless repair exists). Run by test/runtime-php.test.ts; every byte here comes from PHP itself.
 */
declare(strict_types=1);
error_reporting(E_ALL);
ini_set('log_errors', '0');

/** A PDO row of `orders` as PDO returns it with emulated prepares: every column a string. */
function pdoOrderRow(): array {
    return ['id' => '7310442', 'user_id' => '48213', 'email' => 'erika.mustermann@example.com', 'channel' => 'web',
        'total_minor' => '26198', 'currency' => 'EUR', 'coupon' => null, 'created' => '2025-11-28 10:12:44'];
}

/** PDO rows of `order_lines`, one with quantity 0 (to be filtered out). */
function pdoLineRows(): array {
    return [
        ['sku' => '100234', 'name' => 'Espresso machine X200', 'qty' => '1', 'price' => '24900'],
        ['sku' => '100555', 'name' => 'Gift wrap', 'qty' => '0', 'price' => '300'],
        ['sku' => '100871', 'name' => 'Descaler, 500 ml', 'qty' => '2', 'price' => '899'],
    ];
}

function line(array $r): array {
    return ['skuId' => (int) $r['sku'], 'productName' => $r['name'], 'quantity' => (int) $r['qty'],
        'unitPrice' => ['currency' => 'EUR', 'amountMinor' => (int) $r['price']]];
}

/** A correct OrderCreated payload built from the rows (casts, array_values, formatted dates, objects). */
function orderCreated(): array {
    $row = pdoOrderRow();
    $lines = array_values(array_filter(pdoLineRows(), fn ($r) => (int) $r['qty'] > 0));
    return [
        'eventId' => '0b6e2f9c-5a41-4d8e-b3c7-91f2e4a6d015',
        'occurredAt' => '2025-11-28T09:12:44Z',
        'orderId' => (int) $row['id'],
        'userId' => (int) $row['user_id'],
        'customerEmail' => $row['email'],
        'channel' => $row['channel'],
        'items' => array_map('line', $lines),
        'total' => ['currency' => $row['currency'], 'amountMinor' => (int) $row['total_minor']],
        'shippingAddress' => ['recipientName' => 'Erika Mustermann', 'lines' => ['Heidestraße 17'], 'city' => 'Köln',
            'postalCode' => '51147', 'countryCode' => 'DE', 'phoneNumber' => null],
        'couponCode' => $row['coupon'],
        'metadata' => (object) ['campaign' => 'black-friday'],
    ];
}

/** A correct PayRequest (proto shop.payment.v1.PayRequest, ProtoJSON). */
function payRequest(): array {
    return ['orderId' => '7310442', 'amount' => ['currencyCode' => 'EUR', 'units' => '261', 'nanos' => 980000000],
        'idempotencyKey' => base64_encode(str_repeat("\x01", 16)), 'capture' => true];
}

/** A correct TrackEventRequest (JSON Schema shop.stats.v1.TrackEventRequest) for an add-to-cart click. */
function trackEvent(): array {
    return ['eventId' => '3f1c9a52-8d4e-4b7a-9f0e-2c6d1b8e7a41', 'occurredAt' => '2025-11-21T14:03:27.512Z',
        'sessionId' => 's_9KfT2xQm4L', 'userId' => 48213, 'timezoneOffsetMinutes' => 60,
        'event' => ['kind' => 'add_to_cart', 'skuId' => 100234, 'quantity' => 2, 'unitPrice' => ['currency' => 'EUR', 'amountMinor' => 24900]],
        'attributes' => (object) ['utm_source' => 'newsletter'], 'tags' => ['landing', 'black-friday']];
}

$cases = [];
function add(string $name, string $type, string $body, string $code, string $path, ?string $correct, string $php): void {
    global $cases;
    $cases[] = ['name' => $name, 'type' => $type, 'body' => base64_encode($body), 'code' => $code, 'path' => $path,
        'correct' => $correct === null ? null : base64_encode($correct), 'php' => $php];
}
$enc = fn ($v) => json_encode($v, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES);

// empty_array_for_object: an empty metadata array.
$bad = orderCreated(); $bad['metadata'] = [];
$good = orderCreated(); $good['metadata'] = new stdClass();
add('empty metadata array', 'shop.events.v1.OrderCreated', $enc($bad), 'empty_array_for_object', '/metadata', $enc($good), "'metadata' => []");

// sparse_list_as_object: array_filter keeps the keys 0 and 2.
$bad = orderCreated(); $bad['items'] = array_map('line', array_filter(pdoLineRows(), fn ($r) => (int) $r['qty'] > 0));
add('array_filter list', 'shop.events.v1.OrderCreated', $enc($bad), 'sparse_list_as_object', '/items', $enc(orderCreated()), "array_map('line', array_filter(\$rows, ...))");

// sparse_list_as_object: unset() of an element of the address lines.
$bad = orderCreated(); $bad['shippingAddress']['lines'] = ['c/o Paketshop', 'Heidestraße 17']; unset($bad['shippingAddress']['lines'][0]);
add('unset list element', 'shop.events.v1.OrderCreated', $enc($bad), 'sparse_list_as_object', '/shippingAddress/lines', $enc(orderCreated()), "unset(\$address['lines'][0])");

// list_for_map: a map whose keys happen to be 0..n-1 is a PHP list.
$bad = orderCreated(); $bad['metadata'] = ['web', 'newsletter'];
$good = orderCreated(); $good['metadata'] = (object) ['web', 'newsletter'];
add('list as map', 'shop.events.v1.OrderCreated', $enc($bad), 'list_for_map', '/metadata', $enc($good), "'metadata' => ['web', 'newsletter']");

// numeric_string: PDO returns every column as a string.
$row = pdoOrderRow(); $bad = orderCreated(); $bad['orderId'] = $row['id'];
add('PDO string id', 'shop.events.v1.OrderCreated', $enc($bad), 'numeric_string', '/orderId', $enc(orderCreated()), "'orderId' => \$row['id']");
$bad = orderCreated(); $bad['items'][1]['quantity'] = pdoLineRows()[2]['qty'];
add('PDO string quantity', 'shop.events.v1.OrderCreated', $enc($bad), 'numeric_string', '/items/1/quantity', $enc(orderCreated()), "'quantity' => \$r['qty']");
$bad = orderCreated(); $bad['orderId'] = '007310442';
add('zero-padded string id', 'shop.events.v1.OrderCreated', $enc($bad), 'numeric_string', '/orderId', null, "'orderId' => sprintf('%09d', \$id)");

// number_for_string: a postal code from an INT column.
$bad = orderCreated(); $bad['shippingAddress']['postalCode'] = 51147;
add('integer postal code', 'shop.events.v1.OrderCreated', $enc($bad), 'number_for_string', '/shippingAddress/postalCode', $enc(orderCreated()), "'postalCode' => (int) \$row['zip']");

// int_for_bool / string_for_bool: TINYINT(1) columns.
$bad = payRequest(); $bad['capture'] = 1;
add('TINYINT 1 as bool', 'shop.payment.v1.PayRequest', $enc($bad), 'int_for_bool', '/capture', $enc(payRequest()), "'capture' => \$row['capture'] /* int via mysqlnd */");
foreach (['1' => true, '0' => false, '' => false] as $s => $b) {
    $bad = payRequest(); $bad['capture'] = (string) $s; $good = payRequest(); $good['capture'] = $b;
    $src = $s === '' ? 'strval(false)' : "PDO string '$s'";
    add("bool as string \"$s\"", 'shop.payment.v1.PayRequest', $enc($bad), 'string_for_bool', '/capture', $enc($good), $src);
}

// false_for_object: PDOStatement::fetch() returns false when there is no row.
$bad = orderCreated(); $bad['shippingAddress'] = false;
add('fetch() false', 'shop.events.v1.OrderCreated', $enc($bad), 'false_for_object', '/shippingAddress', null, "'shippingAddress' => \$stmt->fetch()");

// null_for_required: a missing key read with ??.
$bad = orderCreated(); $bad['total'] = $row['totals'] ?? null;
add('missing total', 'shop.events.v1.OrderCreated', $enc($bad), 'null_for_required', '/total', null, "'total' => \$row['totals'] ?? null");

// datetime_object: a DateTime encoded as an object (zone name, offset, UTC with microseconds).
$utcFormat = function (DateTimeInterface $d): string {
    $u = DateTimeImmutable::createFromInterface($d)->setTimezone(new DateTimeZone('UTC'));
    $us = (int) $u->format('u');
    return $u->format('Y-m-d\TH:i:s') . ($us === 0 ? '' : ($us % 1000 === 0 ? '.' . $u->format('v') : '.' . $u->format('u'))) . 'Z';
};
foreach ([
    ['zone name', new DateTime('2025-11-28 10:12:44', new DateTimeZone('Europe/Berlin'))],
    ['offset', new DateTimeImmutable('2025-07-01T08:00:00.250+02:00')],
    ['UTC with microseconds', new DateTimeImmutable('2025-11-28 09:12:44.123456', new DateTimeZone('UTC'))],
] as [$label, $dt]) {
    $bad = orderCreated(); $bad['occurredAt'] = $dt; $good = orderCreated(); $good['occurredAt'] = $utcFormat($dt);
    add("DateTime ($label)", 'shop.events.v1.OrderCreated', $enc($bad), 'datetime_object', '/occurredAt', $enc($good), "'occurredAt' => \$dateTime");
}
// A wall time in the autumn overlap of Europe/Berlin is ambiguous once serialized: no repair.
$bad = orderCreated(); $bad['occurredAt'] = new DateTime('2025-10-26 02:30:00', new DateTimeZone('Europe/Berlin'));
add('DateTime in a DST overlap', 'shop.events.v1.OrderCreated', $enc($bad), 'datetime_object', '/occurredAt', null, "'occurredAt' => \$dateTime");

// unsafe_integer: a 64-bit id beyond 2^53 sent as a number.
$bad = ['userId' => 9007199254740993, 'items' => [['skuId' => '100234', 'quantity' => 1]]];
$good = ['userId' => '9007199254740993', 'items' => [['skuId' => '100234', 'quantity' => 1]]];
add('int64 beyond 2^53 (proto)', 'shop.order.v1.CreateOrderRequest', $enc($bad), 'unsafe_integer', '/userId', $enc($good), "'userId' => \$bigId");
$bad = orderCreated(); $bad['orderId'] = PHP_INT_MAX;
add('integer beyond 2^53 (JSON Schema integer)', 'shop.events.v1.OrderCreated', $enc($bad), 'unsafe_integer', '/orderId', null, "'orderId' => PHP_INT_MAX");

// unknown_key: a typo; order_id (the proto field name) is legal ProtoJSON, ordr_id is not.
$bad = payRequest(); unset($bad['orderId']); $bad['ordr_id'] = '7310442';
add('misspelt key', 'shop.payment.v1.PayRequest', $enc($bad), 'unknown_key', '/ordr_id', null, "'ordr_id' => \$id");

// enum_name: a hand-written PHP enum's ->name instead of the ProtoJSON name.
enum LegacyBrand { case VISA; case MASTERCARD; }
$card = ['token' => 'tok_4242', 'last4' => '4242', 'expMonth' => 12, 'expYear' => 2027];
$bad = payRequest(); $bad['card'] = $card + ['brand' => LegacyBrand::VISA->name];
add('enum ->name', 'shop.payment.v1.PayRequest', $enc($bad), 'enum_name', '/card/brand', null, "'brand' => LegacyBrand::VISA->name");

// enum_unknown: a value the contract does not declare.
$bad = payRequest(); $bad['card'] = $card + ['brand' => 'CARD_BRAND_DISCOVER'];
add('undeclared enum name', 'shop.payment.v1.PayRequest', $enc($bad), 'enum_unknown', '/card/brand', null, "'brand' => 'CARD_BRAND_' . strtoupper(\$row['brand'])");

// forbidden_key: user-controlled map keys.
$bad = orderCreated(); $bad['metadata'] = ['__proto__' => 'x', 'campaign' => 'black-friday'];
add('__proto__ map key', 'shop.events.v1.OrderCreated', $enc($bad), 'forbidden_key', '/metadata/__proto__', null, "'metadata' => \$_POST['meta']");

// Money as float: 19.99 * 100 is not an integer in binary floating point.
$bad = orderCreated(); $bad['total']['amountMinor'] = (float) '1.15' * 100;
add('float money', 'shop.events.v1.OrderCreated', $enc($bad), 'float_for_integer', '/total/amountMinor', null, "'amountMinor' => (float) \$row['price'] * 100");

// wrong_type: a value of another type that is not one of the known accidents.
$bad = orderCreated(); $bad['couponCode'] = strstr('no-coupon', '#');
add('strstr() false for a string', 'shop.events.v1.OrderCreated', $enc($bad), 'wrong_type', '/couponCode', null, "'couponCode' => strstr(\$code, '#')");

// empty_body: json_encode() fails on Latin-1 bytes and returns false; echo false prints nothing.
$latin = orderCreated(); $latin['shippingAddress']['city'] = "K\xf6ln";
ob_start(); echo json_encode($latin); $body = ob_get_clean();
add('json_encode failed', 'shop.events.v1.OrderCreated', $body, 'empty_body', '', null, 'echo json_encode($payloadWithLatin1)');

// false_body: the result of a failed fetch() encoded as the whole payload.
add('fetch() false as body', 'shop.events.v1.OrderCreated', json_encode(false), 'false_body', '', null, 'echo json_encode($stmt->fetch())');

// invalid_utf8: JSON built by concatenation around a Latin-1 column.
$body = '{"eventId":"0b6e2f9c-5a41-4d8e-b3c7-91f2e4a6d015","city":"' . "K\xf6ln" . '"}';
add('Latin-1 in concatenated JSON', 'shop.events.v1.OrderCreated', $body, 'invalid_utf8', '', null, "'{\"city\":\"' . \$row['city'] . '\"}'");

// lone_surrogate: an encoded string truncated in the middle of a surrogate pair.
$name = json_encode('Kaffee ☕ 😀'); $cut = substr($name, 0, strpos($name, '\ude00')) . '"';
$bad = orderCreated(); $body = str_replace('"Erika Mustermann"', $cut, $enc($bad));
add('truncated surrogate pair', 'shop.events.v1.OrderCreated', $body, 'lone_surrogate', '/shippingAddress/recipientName', null, 'substr(json_encode($name), 0, 20)');

// invalid_json: a payload cut off by a column or buffer size.
add('truncated JSON', 'shop.events.v1.OrderCreated', substr($enc(orderCreated()), 0, 120), 'invalid_json', '', null, 'substr($json, 0, 120)');

// php_output_before_json: display_errors prints a warning into the response.
ini_set('display_errors', '1');
foreach (['0' => 'text', '1' => 'HTML'] as $html => $label) {
    ini_set('html_errors', $html);
    ob_start();
    $payload = orderCreated();
    $payload['couponCode'] = $row['coupon_code'];
    echo json_encode($payload);
    $body = ob_get_clean();
    $good = orderCreated(); $good['couponCode'] = null;
    add("warning before JSON ($label)", 'shop.events.v1.OrderCreated', $body, 'php_output_before_json', '', $enc($good), "\$row['coupon_code'] with display_errors=1");
}
ini_set('display_errors', '0');

// html_body: a framework error page instead of JSON.
ob_start(); ?>
<!DOCTYPE html>
<html><head><title>500 Internal Server Error</title></head>
<body><h1>Whoops, looks like something went wrong.</h1></body></html>
<?php $body = ob_get_clean();
add('HTML error page', 'shop.events.v1.OrderCreated', $body, 'html_body', '', null, 'an error page rendered by the framework');

// utf8_bom: a PHP file saved with a BOM prints it before anything else.
$file = tempnam(sys_get_temp_dir(), 'bom');
file_put_contents($file, "\xEF\xBB\xBF<?php echo json_encode(\$payload, JSON_UNESCAPED_SLASHES);");
ob_start(); $payload = orderCreated(); include $file; $body = ob_get_clean(); unlink($file);
add('BOM before JSON', 'shop.events.v1.OrderCreated', $body, 'utf8_bom', '', $enc(orderCreated()), 'include of a file saved with a BOM');

// TrackEventRequest built from a session and a PDO row (sent to the JSON Schema service end to end).
$bad = trackEvent(); $bad['userId'] = '48213';
add('track: PDO user id', 'shop.stats.v1.TrackEventRequest', $enc($bad), 'numeric_string', '/userId', $enc(trackEvent()), "'userId' => \$row['user_id']");
$bad = trackEvent(); $bad['attributes'] = [];
$good = trackEvent(); $good['attributes'] = new stdClass();
add('track: no attributes', 'shop.stats.v1.TrackEventRequest', $enc($bad), 'empty_array_for_object', '/attributes', $enc($good), "'attributes' => \$utm");
$bad = trackEvent(); $bad['tags'] = array_filter(['', 'landing', '', 'black-friday']);
add('track: filtered tags', 'shop.stats.v1.TrackEventRequest', $enc($bad), 'sparse_list_as_object', '/tags', $enc(trackEvent()), "'tags' => array_filter(\$tags)");
$bad = trackEvent(); $bad['event']['quantity'] = '2';
add('track: quantity from a form', 'shop.stats.v1.TrackEventRequest', $enc($bad), 'numeric_string', '/event/quantity', $enc(trackEvent()), "'quantity' => \$_POST['qty']");
$bad = trackEvent(); $bad['sesion_id'] = $bad['sessionId']; unset($bad['sessionId']);
add('track: misspelt key', 'shop.stats.v1.TrackEventRequest', $enc($bad), 'unknown_key', '/sesion_id', null, "'sesion_id' => session_id()");

// Clean: floats that are integral (10.0) encode as 10.0 and are accepted as integers.
$ok = orderCreated(); $ok['items'][0]['quantity'] = 1.0; $ok['total']['amountMinor'] = 26198.0;
$cases[] = ['name' => 'integral floats', 'type' => 'shop.events.v1.OrderCreated', 'body' => base64_encode($enc($ok)), 'code' => null, 'path' => null, 'correct' => base64_encode($enc(orderCreated())), 'php' => "'quantity' => 1.0"];

echo json_encode($cases, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES | JSON_PRETTY_PRINT), "\n";
