<?php

declare(strict_types=1);

// The shop in PHP: `SHOP_STATE_DIR=<dir> php -S 127.0.0.1:<port> examples/shop/php/router.php`
// (PHP_CLI_SERVER_WORKERS=<n> for several workers). GET /healthz answers 200; every other request goes to
// the generated dispatchers. Env SHOP_CLOCK fixes "now" (default: the seed's clock); SHOP_GEN_DIR points
// at the generated code (default: examples/shop/gen).

$genDir = getenv('SHOP_GEN_DIR') ?: dirname(__DIR__) . '/gen';
require $genDir . '/php/autoload.php';
require __DIR__ . '/Shop.php';
require __DIR__ . '/StateStore.php';
require __DIR__ . '/Services.php';

use Contractgen\Runtime\Json\Policy;
use Contractgen\Runtime\Server\Dispatcher;
use Shop\Inventory\V1\InventoryServiceDispatcher;
use Shop\Order\V1\OrderServiceDispatcher;
use Shop\Payment\V1\PaymentServiceDispatcher;
use Shop\Stats\V1\StatsServiceDispatcher;
use Shop\User\V1\UserServiceDispatcher;

if ($_SERVER['REQUEST_METHOD'] === 'GET' && parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH) === '/healthz') {
    header('Content-Type: text/plain');
    echo "ok\n";
    return true;
}

ini_set('display_errors', '0');
$seedFile = dirname(__DIR__) . '/seed.json';
$clock = getenv('SHOP_CLOCK') ?: json_decode((string) file_get_contents($seedFile), true)['clock'];
$stateDir = getenv('SHOP_STATE_DIR') ?: sys_get_temp_dir() . '/contractgen-shop-' . $_SERVER['SERVER_PORT'];
$store = new StateStore($stateDir, $seedFile, $clock);
(new Dispatcher([
    new UserServiceDispatcher(new UserService($store)),
    new OrderServiceDispatcher(new OrderService($store)),
    new PaymentServiceDispatcher(new PaymentService($store)),
    new InventoryServiceDispatcher(new InventoryService($store)),
    new StatsServiceDispatcher(new StatsService($store)),
    // The TypeScript shop's policy (examples/shop/ts/app.ts): strict, `[]` read as `{}` for a map or message.
], policy: new Policy('strict', ['empty_array_for_object' => 'repair'])))->serveGlobals();
return true;
