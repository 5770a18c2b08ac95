<?php
/**
 * The base configuration for WordPress (shop.acme.io)
 */

// ** Database settings ** //
define( 'DB_NAME', 'shop_wp' );
define( 'DB_USER', 'shop_wp' );
define( 'DB_PASSWORD', '1D03*.w5N3XeDL_d_g9P' );
define( 'DB_HOST', 'mysql.acme.internal' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );

/**#@+
 * Authentication unique keys and salts.
 */
define( 'AUTH_KEY',         'qnk)1Xz,pTon5deApsL(?4nJ.|^mF08~-$`+U_/bd]G}{>e<Q31Vh9 XWmc2Gf31' );
define( 'SECURE_AUTH_KEY',  'd+Zq+x.]{Z5]!PSGh|u{~2nAoj@V1$?B2>N4GPR,12r/@tYrWVIL^,Lx`)*$o#aF' );
define( 'LOGGED_IN_KEY',    'KGDaQy2uB5?48#wwE]N|VR2,}y/Zw[BMZ7%I}R;:rtXPP6S:0}Bb6mOPP:A**I3~' );
define( 'NONCE_KEY',        's*OFi1tLx=VqT|&pU6Lvi{fdEv1F<D7d3_i(hw[M=-xajYmhj4~7xGz>~Jm{Qz2M' );
define( 'AUTH_SALT',        ';ZE4<GSu4>aX#4hR!Wj~:2Q}y!_Zv(Q|+[BRX$+Yq&5f3Njb^$p~ vuX^!k^yISO' );
define( 'SECURE_AUTH_SALT', '@0qTICf#y_x}n&3:qnBiD1wBJ?/7s1@z Db?RS* 4bEj|(JV2LA~R1:6 d=EQ@U3' );
define( 'LOGGED_IN_SALT',   'YAtCo0E}7a7rJ2y/%reFRK15ap7=>OjOl0q<n4S_^g)fdMEt|r~=#KF>_(Mi?CEB' );
define( 'NONCE_SALT',       'X#7X_[^&DSBy|~R;Y:c!`~Bo#GMg8}Jdh98:gI,Z[*k$2O;3tHHTjq}|u)!bzyL_' );
/**#@-*/

$table_prefix = 'wp_';
define( 'WP_DEBUG', false );

/* Staging reads its secrets from the environment instead. */
if ( getenv( 'WP_ENV' ) === 'staging' ) {
	define( 'STAGING_DB_PASSWORD', getenv( 'WORDPRESS_DB_PASSWORD' ) );
}

if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}
require_once ABSPATH . 'wp-settings.php';
