<?php

declare(strict_types=1);

// The shop state shared by the `php -S` workers (PHP_CLI_SERVER_WORKERS): one JSON file under
// $SHOP_STATE_DIR, read and written under an exclusive flock, so every request sees the writes of the
// requests before it. A missing state file starts from seed.json.

final class StateStore
{
    public function __construct(
        private readonly string $dir,
        private readonly string $seedFile,
        private readonly string $now,
    ) {
    }

    /**
     * Runs $work on a Shop holding the current state; its changes are saved when it returns, dropped when
     * it throws.
     *
     * @param callable(Shop): array $work
     */
    public function transact(callable $work): array
    {
        if (!is_dir($this->dir) && !@mkdir($this->dir, 0o777, true) && !is_dir($this->dir)) {
            throw new RuntimeException("cannot create the state dir {$this->dir}");
        }
        $lock = fopen($this->dir . '/state.lock', 'c');
        if ($lock === false || !flock($lock, LOCK_EX)) {
            throw new RuntimeException("cannot lock {$this->dir}/state.lock");
        }
        try {
            $file = $this->dir . '/state.json';
            $text = is_file($file) ? file_get_contents($file) : file_get_contents($this->seedFile);
            $state = json_decode((string) $text, true, 512, JSON_THROW_ON_ERROR);
            $shop = new Shop($state, $this->now);
            $result = $work($shop);
            $tmp = $file . '.' . getmypid() . '.tmp';
            file_put_contents($tmp, json_encode($shop->state, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION));
            rename($tmp, $file);
            return $result;
        } finally {
            flock($lock, LOCK_UN);
            fclose($lock);
        }
    }
}
