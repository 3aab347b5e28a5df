/**
 * Call quality: the ITU-T G.107 E-model that turns a call's measured one-way delay and loss
 * into an R-factor and MOS, as the paper does in §4.3.
 */
package org.herd.rtp.quality;
