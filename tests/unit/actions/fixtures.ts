/**
 * Realistic `/model`, `/settings` and `/autotune/presets` answers, one set per firmware generation,
 * shaped after the vendor's OpenAPI documents in shared/vnish-api (MinerModelInfo, ViewConfig,
 * AutotunePresetDto). Voltage limits are in units of 10 mV, as the firmware reports them.
 */

/** vnish 1.2.7 on an Antminer S19j Pro (x19 series): no power limit, `power_delta` in the switcher. */
export const fw127 = {
  model: {
    full_name: 'Antminer S19j Pro',
    model: 's19jpro',
    algorithm: 'sha256d',
    series: 'x19',
    platform: 'aml',
    install_type: 'nand',
    hr_measure: 'GH/s',
    serial: 'JYZZB4KBCABJE0213',
    chain: {
      chips_per_chain: 126,
      chips_per_domain: 3,
      num_chains: 3,
      topology: { num_cols: 42, num_rows: 3 },
    },
    cooling: {
      min_fan_pwm: 10,
      min_target_temp: 30,
      max_target_temp: 90,
      fan_min_count: { min: 1, max: 4, default: 4 },
    },
    overclock: {
      min_voltage: 1200,
      max_voltage: 1500,
      default_voltage: 1360,
      max_voltage_stock_psu: 1420,
      min_freq: 50,
      max_freq: 800,
      default_freq: 525,
      warn_freq: 700,
    },
  },
  settings: {
    miner: {
      overclock: {
        preset: '2100',
        modded_psu: false,
        globals: { volt: 1360, freq: 525 },
        chains: [
          { freq: 0, disabled: false, chips: [] },
          { freq: 0, disabled: false, chips: [] },
          { freq: 0, disabled: false, chips: [] },
        ],
        preset_switcher: {
          enabled: false,
          top_preset: '3200',
          min_preset: '1100',
          decrease_temp: 80,
          rise_temp: 60,
          check_time: 300,
          power_delta: 10,
          autochange_top_preset: false,
          ignore_fan_speed: false,
        },
      },
      cooling: { mode: { name: 'auto', param: 60 }, fan_min_count: 4, fan_min_duty: 10, fan_max_duty: 100 },
      pools: [
        { url: 'stratum+tcp://btc.pool.example:3333', user: 'farm1.s19jpro01', pass: 'x' },
        { url: 'stratum+tcp://backup.pool.example:443', user: 'farm1.s19jpro01', pass: 'x' },
        { url: '', user: '', pass: '' },
      ],
      misc: { restart_temp: 90, restart_hashrate: 0, downscale_preset_on_failure: true, quiet_mode: false },
    },
    ui: {
      consts: {
        // The UI constants narrow the model's range on this build.
        overclock: {
          min_voltage: 1250,
          max_voltage: 1500,
          default_voltage: 1360,
          max_voltage_stock_psu: 1420,
          min_freq: 100,
          max_freq: 800,
          default_freq: 525,
          warn_freq: 650,
        },
        cooling: {
          min_fan_pwm: 10,
          min_target_temp: 35,
          max_target_temp: 85,
          fan_min_count: { min: 1, max: 4, default: 4 },
        },
        timezones: [['GMT', 'Greenwich']],
      },
      theme: 'dark',
    },
    regional: { timezone: { current: 'GMT' } },
    network: { hostname: 'Antminer', dhcp: true },
  },
  presets: [
    {
      name: 'disabled',
      pretty: 'Disabled',
      status: 'tuned',
      modded_psu_required: false,
      tune_settings: null,
    },
    {
      name: '1100',
      pretty: '1100 watt ~ 53 TH',
      status: 'tuned',
      modded_psu_required: false,
      tune_settings: { hashrate: 53000, volt: 12600, freq: 330, modified: false, chains: [] },
    },
    {
      name: '2100',
      pretty: '2100 watt ~ 80 TH',
      status: 'tuned',
      modded_psu_required: false,
      tune_settings: { hashrate: 80000, volt: 13200, freq: 440, modified: false, chains: [] },
    },
    {
      name: '3200',
      pretty: '3200 watt ~ 102 TH',
      status: 'untuned',
      modded_psu_required: false,
      tune_settings: null,
    },
    {
      name: '3600',
      pretty: '3600 watt ~ 110 TH',
      status: 'untuned',
      modded_psu_required: true,
      tune_settings: null,
    },
    {
      name: '4690',
      pretty: '4690 watt ~ 124 TH',
      status: 'untuned',
      modded_psu_required: true,
      tune_settings: null,
    },
  ],
};

/** vnish 1.3.4 on an Antminer S21 (x21 series): power limit, water-start temperature, `{presets}` form. */
export const fw134 = {
  model: {
    full_name: 'Antminer S21',
    model: 's21',
    algorithm: 'sha256d',
    series: 'x21',
    platform: 'cv',
    install_type: 'nand',
    hr_measure: 'GH/s',
    serial: 'HTM3X1BBCJCBD0037',
    chain: {
      chips_per_chain: 108,
      chips_per_domain: 2,
      num_chains: 3,
      topology: { num_cols: 54, num_rows: 2 },
    },
    cooling: {
      min_fan_pwm: 15,
      min_target_temp: 40,
      max_target_temp: 80,
      fan_min_count: { min: 2, max: 4, default: 4 },
    },
    overclock: {
      min_voltage: 1150,
      max_voltage: 1420,
      default_voltage: 1300,
      max_voltage_stock_psu: 1360,
      min_freq: 100,
      max_freq: 650,
      default_freq: 490,
      warn_freq: 600,
      power_metering: true,
      max_power_limit: 4000,
    },
  },
  settings: {
    miner: {
      overclock: { preset: '3500', modded_psu: true, globals: { volt: 1300, freq: 490 } },
      cooling: { mode: { name: 'auto', param: 65 }, fan_min_count: 4, fan_min_duty: 15, fan_max_duty: 100 },
      pools: [{ url: 'stratum+tcp://btc.pool.example:3333', user: 'farm1.s21-07', pass: 'x' }],
      misc: { restart_temp: 95, power_limit: 3600, power_limit_enabled: false },
    },
    ui: { consts: { timezones: [] } },
  },
  presets: {
    presets: [
      { name: '2700', pretty: '2700 watt ~ 165 TH', status: 'tuned', modded_psu_required: false },
      { name: '3500', pretty: '3500 watt ~ 200 TH', status: 'tuned', modded_psu_required: false },
      { name: '3800', pretty: '3800 watt ~ 212 TH', status: 'untuned', modded_psu_required: false },
      { name: '4200', pretty: '4200 watt ~ 226 TH', status: 'untuned', modded_psu_required: true },
    ],
  },
};
